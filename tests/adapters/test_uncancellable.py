"""Clean-up that a cancel cannot cut short: as a disconnecting client cancels Litestar's
streaming (an anyio cancel scope, which cancels again at every await inside it)."""

from __future__ import annotations

import asyncio

import anyio
import pytest

from adapters.uncancellable import run_to_end


async def test_the_work_runs_to_its_end_though_its_caller_is_cancelled() -> None:
    steps: list[int] = []

    async def clean_up() -> None:
        for step in range(3):
            await asyncio.sleep(0.01)
            steps.append(step)

    with anyio.CancelScope() as scope:
        scope.cancel()
        await run_to_end(clean_up())
        pytest.fail("the cancelled caller went on")  # pragma: no cover
    assert steps == []  # the caller did not wait for it ...
    await asyncio.sleep(0.2)
    assert steps == [0, 1, 2]  # ... and it ran to its end all the same


async def test_an_uncancelled_caller_waits_for_the_work_and_gets_its_error() -> None:
    async def clean_up() -> None:
        await asyncio.sleep(0)
        raise OSError("the disk is gone")

    with pytest.raises(OSError, match="the disk is gone"):
        await run_to_end(clean_up())
