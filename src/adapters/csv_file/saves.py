"""Telling the CSV file as the store wrote it from a save that someone else is still making.

A spreadsheet or an editor may save the file in place and slowly: it empties the file, writes
part of it, and the rest seconds later. Read in between, the file is a fraction of the data,
and a fold written from that read would replace the file (by a rename) while the editor goes
on writing into the old one, losing the rest. So a file that the store did not write is read
only once it has stood still (neither its size nor its time of change moving) for
`SAVE_GRACE` seconds; meanwhile the store goes on from what it read last.

Which file the store wrote last is kept in the lock file that every process on the file opens:
the inode, size and time of change of the last fold's file, written before it is put in place,
so that another process reads it at once. It is a hint, never fsynced: were it lost (a power
cut), a process that had not followed the journal would take the store's file for a person's
and go on from its last read for up to SAVE_GRACE seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from pathlib import Path

from adapters.csv_file import file_io
from adapters.csv_file.file_io import Stamp

SAVE_GRACE = 5.0  # seconds a file changed by someone else must stand still before it is read
_HINT_BYTES = 64
logger = logging.getLogger(__name__)


class Saves:
    """What the store knows of who changed its file, through the lock file's descriptor."""

    def __init__(self, path: Path, lock_descriptor: int) -> None:
        self._path = path
        self._lock = lock_descriptor
        self._seen: tuple[Stamp | None, float] | None = None  # a stamp, and since when

    def wrote(self, stamp: Stamp) -> None:
        """Tell every process on the file that a file with this stamp is the store's."""
        with contextlib.suppress(OSError):  # a hint: without it, the file waits its grace
            os.pwrite(self._lock, _hint(stamp), 0)

    async def until_still(self) -> None:
        """Wait until the file may be read (at start, with no earlier read to go on from);
        not while a ready file waits, as it replaces the file at once."""
        while (
            (stamp := file_io.stamp_of(self._path))
            and not file_io.ready_path(self._path).exists()
            and (wait := self.wait_left(stamp))
        ):
            logger.info("%s changed just now: waiting %.1f s for its save to end", self._path, wait)
            await asyncio.sleep(wait)

    def in_use(self, read: Stamp | None) -> float:
        """How long to wait before the file may be rewritten (0: it may be now): someone else
        changed it since it was read (stamped `read`), or so lately that they may still be
        saving it."""
        stamp = file_io.stamp_of(self._path)
        wait = self.wait_left(stamp) if stamp else 0.0
        return wait if stamp == read else max(wait, SAVE_GRACE)

    def wait_left(self, stamp: Stamp | None) -> float:
        """Seconds until a file with this stamp (None: no file) may be read: 0 for one the
        store wrote, or that has not changed for SAVE_GRACE seconds by its time of change or
        by what this process saw (a clock that disagrees with the file's is not waited on)."""
        if stamp is not None and self._written_by_store(stamp):
            return 0.0
        now = time.monotonic()
        if self._seen is None or self._seen[0] != stamp:
            self._seen = (stamp, now)
        still = now - self._seen[1]
        if stamp is not None:
            still = max(still, (time.time_ns() - stamp.mtime_ns) / 1e9)
        return max(0.0, SAVE_GRACE - still)

    def _written_by_store(self, stamp: Stamp) -> bool:
        try:
            return os.pread(self._lock, _HINT_BYTES, 0) == _hint(stamp)
        except OSError:
            return False


def _hint(stamp: Stamp) -> bytes:
    return f"{stamp.inode} {stamp.size} {stamp.mtime_ns}\n".encode().ljust(_HINT_BYTES)
