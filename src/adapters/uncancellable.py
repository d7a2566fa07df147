"""Clean-up that a cancelled caller cannot cut short."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)
_running: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks


async def run_to_end(work: Coroutine[Any, Any, None]) -> None:
    """Await `work` in a task of its own. A caller cancelled meanwhile (a client gone in the
    middle of a streamed answer, the shutdown grace running out) gets its CancelledError at
    once, and `work` still runs to its end: awaited in the caller's task, its first `await`
    would raise that error (anyio cancels again at every one), leaving it half done."""
    task = asyncio.ensure_future(work)
    _running.add(task)
    task.add_done_callback(_finished)
    await asyncio.shield(task)


def _finished(task: asyncio.Task[None]) -> None:
    _running.discard(task)
    if not task.cancelled() and (error := task.exception()) is not None:
        # Raised to the caller too, unless it was cancelled first: then this is its one trace.
        logger.debug("clean-up failed: %r", error)
