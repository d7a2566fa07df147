"""The look at the store behind /api/health: answered within a bound, and never piled up.

A store that is locked or overloaded may take seconds to answer (PostgreSQL's lock timeout,
SQLite's busy timeout, 5 s each). Health must still answer at once, and health checks must
not add to the load: so one look runs at a time, each caller waits for it at most WAIT_S,
and a look still running when the next check comes is the one that check waits for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from domain.errors import DomainError
from domain.ports import UnitOfWork

WAIT_S = 0.5  # a health check answers within a second, with room for a busy machine
logger = logging.getLogger("stockline")


@dataclass(frozen=True, slots=True)
class Condition:
    """What a look found: nothing wrong (`problem` None), or what, and whether reads still
    answer (a store that only makes writes wait still serves)."""

    problem: str | None = None
    reads_answer: bool = True


async def _no_blocker() -> str | None:
    return None


class StorageProbe:
    """Looks at the store, one look at a time: a read, then whether writes would wait."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        write_blocker: Callable[[], Awaitable[str | None]] = _no_blocker,
        wait_s: float = WAIT_S,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._write_blocker = write_blocker
        self._wait_s = wait_s
        self._look: asyncio.Task[str | None] | None = None

    async def condition(self) -> Condition:
        """What the store is like now, found within the bound."""
        look = self._look
        if look is None or look.done():
            look = self._look = asyncio.create_task(self._look_at_store())
            look.add_done_callback(_retrieve)
        try:
            # shield: a caller that stops waiting leaves the look running for the next one.
            blocker = await asyncio.wait_for(asyncio.shield(look), self._wait_s)
        except TimeoutError:
            return Condition(f"the storage did not answer within {self._wait_s:g} s", False)
        except DomainError as error:
            return Condition(str(error), False)
        except Exception:
            logger.exception("the health check's look at the storage failed")
            return Condition("the storage check failed unexpectedly (the error is logged)", False)
        return Condition(blocker)

    async def _look_at_store(self) -> str | None:
        async with self._unit_of_work() as uow:
            await uow.products.next_id()
        return await self._write_blocker()


def _retrieve(look: asyncio.Task[str | None]) -> None:
    """Collect the outcome of a look nobody waited for to the end (else asyncio warns)."""
    if not look.cancelled():
        look.exception()
