"""SQLite: the process's writers of one database take turns, first come, first served."""

from __future__ import annotations

import asyncio

from adapters.sql.errors import busy


class WriteQueue:
    """The turn to write, held by one transaction at a time from its lock to its end.

    SQLite lets one writer at a time hold the database; a writer that found it busy would
    sleep in SQLite's busy handler, in steps of up to 100 ms, long after it was free. Queued
    here, the process's writers hand it to each other at once; other processes' writers
    still wait through the busy timeout.
    """

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._holder: object | None = None

    def taken(self) -> bool:
        """Whether one of this process's writers holds the turn or is about to."""
        return self._lock.locked()

    async def take(self, holder: object, wait_s: float) -> None:
        """Wait for the turn, at most `wait_s`; a holder that has it already keeps it."""
        if self._holder is holder:
            return
        try:
            async with asyncio.timeout(wait_s):
                await self._lock.acquire()
        except TimeoutError:
            raise busy(wait_s) from None
        self._holder = holder

    def give_back(self, holder: object) -> None:
        """The next writer's turn, if this holder had it."""
        if self._holder is holder:
            self._holder = None
            self._lock.release()
