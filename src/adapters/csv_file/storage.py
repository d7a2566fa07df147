"""`csv:///path`: the flat file, with a journal of commits and a change history beside it.

A commit is one durable append to the journal, its history entries inside it; the file itself
is rewritten (atomically) when writes pause, when the journal has grown to a quarter of the
file, for a commit as large as the store, on start and on close, and the history entries of
the journal are then appended to the history file. Every transaction holds an exclusive lock
shared by all processes using the file.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import time
from pathlib import Path

from adapters.csv_file import disk, file_io, folding, history_file, journal, saves
from adapters.csv_file.stored_changes import StoredChanges, stored
from adapters.memory.index import Change, Index
from adapters.memory.unit_of_work import IndexUnitOfWork
from domain.errors import StorageUnavailable

MIN_FOLD_BYTES = 1 << 20  # below this a journal is folded only when the store is idle
FOLD_WHEN_IDLE = 2.0  # seconds without commits after which the file is brought up to date
logger = logging.getLogger(__name__)


class CsvStorage:
    kind = "csv"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = journal.journal_path(path)
        self.history = history_file.history_path(path)
        self.index = Index(redo_log=[], changes=StoredChanges(self.history))
        self.lock = asyncio.Lock()
        self._file_stamp: file_io.Stamp | None = _UNREAD  # of the file the index was read from
        self._journal_end = 0  # how much of the journal the index holds
        self._lock_fd: int | None = None
        self._saves = saves.Saves(path, -1)  # until open()
        self._fold_timer: asyncio.TimerHandle | None = None
        self._fold_task: asyncio.Task[None] | None = None
        self._fold_seconds = 0.0
        self._put_off = False  # the last fold waited for someone else's save of the file

    async def open(self) -> None:
        """Create the folder if needed, read the file and its journal, fold them together."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock_path = self.path.with_name(self.path.name + ".lock")
            self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StorageUnavailable(f"cannot use {self.path}: {error.strerror}") from None
        self._saves = saves.Saves(self.path, self._lock_fd)
        try:
            await self._saves.until_still()
            await self.fold(quietly=True)
        except BaseException:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise

    async def close(self) -> None:
        if self._lock_fd is None:
            return
        if self._fold_timer is not None:
            self._fold_timer.cancel()
        try:
            if self._fold_task is not None:
                await self._fold_task
            try:
                await self.fold(quietly=True)
            except StorageUnavailable as error:  # its file or folder is gone: answered 503 since
                logger.warning("could not fold the journal into the file at close: %s", error)
        finally:
            os.close(self._lock_fd)
            self._lock_fd = None

    async def write_blocker(self) -> str | None:
        """None: a read takes the same lock as a write, so another process holding it stops
        reads too, which shows."""
        return None

    def migrate(self) -> None:
        """Nothing to migrate: the file has no schema."""

    def unit_of_work(self) -> IndexUnitOfWork:
        return IndexUnitOfWork(lambda: self.index, self.acquire, self.release, self.persist)

    async def fold(self, *, quietly: bool = False) -> None:
        """Write the journal's commits into the file and empty the journal; put off while
        someone else may be saving the file. `quietly`: a failure to write (a full disk) is
        logged, not raised: the journal still holds every commit."""
        async with self.unit_of_work():
            if not self._journal_end:
                return
            try:
                await asyncio.to_thread(self._fold)
            except StorageUnavailable as error:
                if not quietly:
                    raise
                logger.warning("could not fold the journal into the file: %s", error)

    async def acquire(self) -> None:
        """Take both locks (in-process, then between processes) and catch up with the disk."""
        assert self._lock_fd is not None, "open() the storage first"
        await self.lock.acquire()
        try:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                await asyncio.to_thread(fcntl.flock, self._lock_fd, fcntl.LOCK_EX)
            try:
                disk = self._disk()
                if disk != (self._file_stamp, self._journal_end, False):
                    await asyncio.to_thread(self._catch_up, *disk)
            except BaseException:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                raise
        except BaseException:
            self.lock.release()
            raise

    def release(self) -> None:
        assert self._lock_fd is not None
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self.lock.release()

    async def persist(self) -> None:
        """Make the transaction's changes durable (the caller holds the locks)."""
        if self.index.rewrite:  # a change as large as the store: rewrite the file, no journal
            await asyncio.to_thread(self._fold)
            return
        changes = self.index.take_changes()
        log = self.index.changes
        if not changes and len(log) == log.marked:
            return
        self._journal_end = await asyncio.to_thread(self._append_commit, changes)
        if self._journal_end > max(MIN_FOLD_BYTES, (self._file_stamp or _NO_FILE).size // 4):
            try:
                await asyncio.to_thread(self._fold)
            except StorageUnavailable as error:  # the commit is durable in the journal already
                logger.warning("could not fold the journal into the file: %s", error)
            if self._put_off:
                self._fold_later()
        else:
            self._fold_later()

    def _append_commit(self, changes: list[Change]) -> int:
        """The transaction's changes and history entries as one sealed commit, appended."""
        entries = "".join(stored(self.index).unfolded_lines(prefix="#"))
        return journal.append(self.journal, journal.encode(changes, entries))

    def _fold_later(self) -> None:
        """Bring the file up to date once writes pause, for people who open it meanwhile.

        The pause asked for grows with the time a fold takes, so a large file is not
        rewritten after every lone edit.
        """
        if self._fold_timer is not None:
            self._fold_timer.cancel()
        delay = max(FOLD_WHEN_IDLE, 30 * self._fold_seconds)
        self._fold_timer = asyncio.get_running_loop().call_later(delay, self._start_fold)

    def _start_fold(self) -> None:
        self._fold_timer = None
        if self._lock_fd is not None and (self._fold_task is None or self._fold_task.done()):
            self._fold_task = asyncio.create_task(self._fold_quietly())

    async def _fold_quietly(self) -> None:
        try:
            await self.fold(quietly=True)
        except StorageUnavailable as error:  # harmless: the journal still holds every commit
            logger.warning("could not fold the journal into the file: %s", error)
        if self._put_off and self._lock_fd is not None:
            self._fold_later()

    def _disk(self) -> tuple[file_io.Stamp | None, int, bool]:
        """The file's stamp, the journal's size, and whether a ready file waits.

        Three stat() calls, run on the event loop: microseconds, where a trip to a thread
        for every transaction (every read too) cost more than the read itself.
        """
        journal_stamp = file_io.stamp_of(self.journal)
        waiting = file_io.stamp_of(file_io.ready_path(self.path)) is not None
        return file_io.stamp_of(self.path), journal_stamp.size if journal_stamp else 0, waiting

    def _catch_up(self, file_stamp: file_io.Stamp | None, journal_size: int, waiting: bool) -> None:
        """Re-read what other processes, or a person, changed since we last looked.

        A file someone else changed is read once it has stood still (`saves.SAVE_GRACE`):
        until then the store goes on from its last read, with the journal replayed over it.
        A file another process's fold wrote (the journal shrank, or the lock file's hint
        names it) is read at once. A ready file seen here (under the lock) is one that a
        crashed fold left, which `folding.finish_waiting` finishes or takes back.
        """
        if self._file_stamp is _UNREAD:  # a crash in a fold's writing left it; nothing reads it
            disk.remove(file_io.temporary_path(self.path))
        elif not self.path.parent.is_dir() or (file_stamp is None and self._file_stamp is not None):
            # Read as an empty store, it would answer 200 with nothing, and the next write
            # would start a new file without the old data.
            raise StorageUnavailable(
                f"{self.path} is gone: deleted or moved while the server ran (if someone is "
                "saving it, try again); put it back, or restart the server to start an empty store"
            )
        if waiting and (published := folding.finish_waiting(self.path)):
            self._saves.wrote(published)
            file_stamp, journal_size = published, 0
        folded = journal_size < self._journal_end
        if folded or (file_stamp != self._file_stamp and self._may_read(file_stamp)):
            self._reload(file_stamp, folded)
        if journal_size > self._journal_end:
            replayed = journal.replay(self.journal, self.index, self._journal_end)
            stored(self.index).add_lines(replayed.history, self.journal)
            self._journal_end = replayed.end
            if replayed.torn:  # a commit cut short by a crash: never acknowledged
                journal.cut(self.journal, replayed.end)

    def _may_read(self, file_stamp: file_io.Stamp | None) -> bool:
        return self._file_stamp is _UNREAD or not self._saves.wait_left(file_stamp)

    def _reload(self, file_stamp: file_io.Stamp | None, folded: bool) -> None:
        """Read the file and the history afresh; the journal is replayed from its start after.
        A pending history file seen here has no ready file: a large commit that never
        happened. A file that changed while it was read is being saved: the last read stands,
        or, when another process folded since, whose journal we no longer follow, we refuse."""
        history_file.discard_pending(self.path)
        index = file_io.load(self.path)
        if file_io.stamp_of(self.path) != file_stamp:
            if folded:
                raise StorageUnavailable(
                    f"{self.path} changed while it was read (someone is saving it): try again"
                )
            return
        index.redo_log = []
        # Only what other processes' folds appended is read (usually nothing); the entries
        # of the journal come again as it is replayed.
        index.changes = StoredChanges.read(self.history, stored(self.index))
        self.index, self._file_stamp, self._journal_end = index, file_stamp, 0

    def _fold(self) -> None:
        """Write the index to the file by the steps of `folding`: after a crash at any point
        the store reads as the old file with its journal, or as the ready file (which
        `_catch_up` then puts in place): never as older journal lines replayed over a newer
        file, which would undo a large commit. A failure before the point of no return (a
        full disk) takes the fold back, so that the error raised is the truth.

        Put off (the journal waits) or, for a commit that rewrites the file, refused, while
        someone else may be saving the file: a fold would write over their save.
        """
        if self._file_in_use():
            return
        started = time.perf_counter()
        ready, first = folding.make_ready(self.path, self.index)
        try:
            settled = folding.settle(self.path, first, self._file_stamp)
        except folding.FileChanged:  # a save began meanwhile
            self._refuse_or_put_off(saves.SAVE_GRACE)
            return
        self._saves.wrote(ready)  # before it is in place: other processes read it at once
        self._put_in_place(settled)
        self._fold_seconds = time.perf_counter() - started

    def _file_in_use(self) -> bool:
        self._put_off = False
        wait = self._saves.in_use(self._file_stamp)
        if wait:
            self._refuse_or_put_off(wait)
        return bool(wait)

    def _refuse_or_put_off(self, wait: float) -> None:
        reason = f"{self.path} was changed on disk by someone else and may still be being saved"
        if self.index.rewrite:
            raise StorageUnavailable(
                f"{reason}; this change rewrites the whole file, so it waits until the file has"
                f" stood still for {saves.SAVE_GRACE:g} s: try again in {wait:.0f} s"
            )
        logger.info("%s: the journal is folded into it later", reason)
        self._put_off = True

    def _put_in_place(self, settled: history_file.Settled | None) -> None:
        """The fold is committed: a failure now is logged, not raised (it is not the
        commit's), and the next transaction finishes the fold (`_catch_up`)."""
        try:
            self._file_stamp = folding.put_in_place(self.path)
        except StorageUnavailable as error:
            logger.warning("a fold is committed, and left to the next transaction: %s", error)
            self._file_stamp, self._journal_end = _UNREAD, 0  # which reads the disk afresh
            return
        self._journal_end = 0
        changes = stored(self.index)
        # What we appended is in our log already: it is indexed, and no longer kept in memory.
        if settled and settled.start == changes.indexed.end and settled.last == len(changes):
            changes.folded(settled.end)


_NO_FILE = file_io.Stamp(0, 0, 0)
_UNREAD = file_io.Stamp(-1, -1, -1)  # the first transaction reads everything from disk
