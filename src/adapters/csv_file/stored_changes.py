"""The CSV store's change history: the entries the history file holds are read from it a block
at a time when a query needs them; only the blocks' summaries stay in memory, with the entries
after the file's last one (the journal's, a transaction's) in a `ChangeLog`.

So the memory and start-up of the store do not grow with its history: every replace import of
a large store adds as many entries as it has records. Blocking: call these off the event loop.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from adapters.csv_file import history_index
from adapters.csv_file.history_blocks import read_block
from adapters.csv_file.history_index import Indexed
from adapters.csv_file.history_reader import add
from adapters.csv_file.history_writer import lines
from adapters.memory.changes import ChangeLog
from adapters.memory.index import Index
from domain.changes import Change, ChangeQuery, LevelChange, Origin
from domain.errors import StorageUnavailable

BLOCKS_KEPT = 4  # blocks read lately, kept for the next read (an import's undo pages on)


class StoredChanges:
    def __init__(self, history: Path, indexed: Indexed | None = None) -> None:
        self.history = history
        self._start(indexed or Indexed())

    def _start(self, indexed: Indexed) -> None:
        self.indexed = indexed
        self.recent = ChangeLog()  # the entries after `base`
        self._firsts = [block.first for block in indexed.blocks]
        self._read: dict[int, ChangeLog] = {}  # block number -> its entries

    @classmethod
    def read(cls, history: Path, known: StoredChanges | None) -> StoredChanges:
        """The history as the file holds it now, indexed from what `known` indexed (only what
        was appended since is read); without the entries that are not in the file."""
        return cls(
            history, history_index.refresh(history, None if known is None else known.indexed)
        )

    @property
    def base(self) -> int:
        """The id of the file's last entry: the entries up to it are read from the file."""
        return self.indexed.last

    def add_lines(self, text: bytes, journal: Path) -> None:
        """Add the entries of history lines from the journal that the history lacks."""
        add(self.recent, text, journal, self.base)

    def unfolded_lines(self, prefix: str = "") -> Iterator[str]:
        """The lines of the entries since the mark (this transaction's), as the file has them."""
        recent = self.recent
        return lines(recent, recent.marked, len(recent), prefix, self.base)

    def folded(self, end: int) -> bool:
        """The history file now holds every entry, appended by this process's fold up to byte
        `end`: index what was appended and keep none in memory. False when the file holds
        something else than what this log expects (it is then read afresh when next needed)."""
        indexed = history_index.refresh(self.history, self.indexed)
        if indexed.end != end or indexed.last != len(self):
            return False
        self._start(indexed)
        return True

    # The log's side of a unit of work (`Index`): entries land in memory, a rollback cuts them.

    def __len__(self) -> int:
        return self.base + len(self.recent)

    @property
    def marked(self) -> int:
        return self.base + self.recent.marked

    def mark(self) -> None:
        self.recent.mark()

    def rollback(self) -> None:
        self.recent.rollback()

    def append(self, origin: Origin, changes: Iterable[LevelChange]) -> int:
        return self.base + self.recent.append(origin, changes)

    # The queries of the ChangeRepository port, answered as `ChangeLog` answers them.

    def get(self, change_id: int) -> Change | None:
        if change_id > self.base:
            base, found = self.base, self.recent.get(change_id - self.base)
        else:
            number = bisect_right(self._firsts, change_id) - 1
            if number < 0:
                return None
            base = self.indexed.blocks[number].first - 1
            found = self._block(number).get(change_id - base)
        return None if found is None else _shifted(found, base)

    def find(self, query: ChangeQuery) -> list[Change]:
        found = self._find_in(self.recent, self.base, query, query.limit)
        blocks = self.indexed.blocks
        below = len(self) + 1 if query.before_id is None else query.before_id
        for number in range(bisect_right(self._firsts, below - 1) - 1, -1, -1):
            if len(found) >= query.limit:
                break
            block = blocks[number]
            if block.may_hold(query):
                log = self._block(number)
                found += self._find_in(log, block.first - 1, query, query.limit - len(found))
        return found

    def of_import(self, import_id: str, after: int, limit: int) -> list[Change]:
        found: list[Change] = []
        blocks = self.indexed.blocks
        for number in range(max(0, bisect_right(self._firsts, after) - 1), len(blocks)):
            block = blocks[number]
            if block.last > after and import_id in block.imports:
                base = block.first - 1
                part = self._block(number).of_import(import_id, max(0, after - base), limit)
                found += (_shifted(change, base) for change in part)
                limit = limit - len(part)
                if limit <= 0:
                    return found
        part = self.recent.of_import(import_id, max(0, after - self.base), limit)
        return found + [_shifted(change, self.base) for change in part]

    def _find_in(self, log: ChangeLog, base: int, query: ChangeQuery, limit: int) -> list[Change]:
        before = None if query.before_id is None else query.before_id - base
        if before is not None and before <= 1:
            return []
        part = log.find(replace(query, before_id=before, limit=limit))
        return [_shifted(change, base) for change in part]

    def _block(self, number: int) -> ChangeLog:
        log = self._read.get(number)
        if log is None:
            try:
                log = read_block(self.history, self.indexed.blocks[number])
            except StorageUnavailable:
                history_index.forget(self.history)  # so that a restart scans the file afresh
                raise
            if len(self._read) >= BLOCKS_KEPT:
                del self._read[next(iter(self._read))]
            self._read[number] = log
        return log


def stored(index: Index) -> StoredChanges:
    """The CSV store's history, as its index holds it."""
    changes = index.changes
    assert isinstance(changes, StoredChanges), "a CSV store's index keeps a StoredChanges"
    return changes


def _shifted(change: Change, base: int) -> Change:
    """An entry of a log holding those after id `base`, with its id in the whole history."""
    return change._replace(id=change.id + base) if base else change
