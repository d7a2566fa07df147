"""Health answers within its bound whatever the store does, and its looks never pile up."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from api.storage_probe import Condition, StorageProbe
from domain.errors import StorageUnavailable


class StuckStore:
    """Units of work whose read waits until released, counting the reads begun."""

    def __init__(self) -> None:
        self.reads = 0
        self.released = asyncio.Event()
        self.failure: Exception | None = None

    def unit_of_work(self) -> StuckStore:
        return self

    async def __aenter__(self) -> SimpleNamespace:
        return SimpleNamespace(products=SimpleNamespace(next_id=self._next_id))

    async def __aexit__(self, *_: object) -> None:
        return None

    async def _next_id(self) -> int:
        self.reads += 1
        await self.released.wait()
        if self.failure:
            raise self.failure
        return 1


async def test_checks_of_a_stuck_store_answer_within_the_bound_and_share_one_look() -> None:
    store = StuckStore()
    probe = StorageProbe(store.unit_of_work, wait_s=0.2)  # type: ignore[arg-type]
    started = time.monotonic()
    for _ in range(3):
        found = await asyncio.gather(*(probe.condition() for _ in range(50)))
        assert found == [Condition("the storage did not answer within 0.2 s", False)] * 50
    assert time.monotonic() - started < 1.5
    assert store.reads == 1  # 150 checks, one read of the store in flight
    store.released.set()
    await asyncio.sleep(0)
    assert await probe.condition() == Condition()


async def test_a_store_that_fails_is_named_in_the_check() -> None:
    store = StuckStore()
    store.failure = StorageUnavailable("the database failed: connection refused")
    store.released.set()
    probe = StorageProbe(store.unit_of_work)  # type: ignore[arg-type]
    failed = Condition("the database failed: connection refused", reads_answer=False)
    assert await probe.condition() == failed
    assert await probe.condition() == failed
    assert store.reads == 2  # a finished look is not reused: each check after it looks again


async def test_a_store_whose_writes_would_wait_is_degraded_but_still_answers_reads() -> None:
    store = StuckStore()
    store.released.set()

    async def held() -> str | None:
        return "writes wait"

    probe = StorageProbe(store.unit_of_work, held)  # type: ignore[arg-type]
    assert await probe.condition() == Condition("writes wait", reads_answer=True)
