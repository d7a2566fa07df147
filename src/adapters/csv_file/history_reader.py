"""The bulk reader of the change history: whole files and journal copies, a block at a time.

The fast path of `history_format.read_carefully`, which it must agree with on every text
(`tests/adapters/test_history_format.py`): a block it cannot take whole is read again
carefully, to name its first bad line. Blocking: call these off the event loop.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from itertools import compress
from pathlib import Path

from adapters.csv_file.history_format import (
    FIELDS,
    ORIGIN,
    Authors,
    BadLine,
    change_id,
    day,
    entry_id,
    is_origin,
    level,
    origin_fields,
    parse_origin,
    product,
    read_carefully,
)
from adapters.memory.changes import ChangeLog
from domain.changes import Origin
from domain.errors import InvalidValue, StorageUnavailable

# The file is read this much at a time, and entry lines split this much text at a time: the
# ~55,000 field strings of a block cost 3 MB, a whole file's 6 million would cost 300 MB.
READ_BYTES = 1 << 20
BLOCK_CHARS = 1 << 18
LEVELS_KEPT = 1 << 16  # distinct levels remembered as written, from block to block


def add(log: ChangeLog, text: bytes, journal: Path, base: int = 0) -> None:
    """Add the entries of history lines taken from the journal that `log` lacks, `log`
    holding those after id `base`."""
    if not text:
        return
    try:
        Reader(log, base).feed(text.decode("utf-8"), 1)
    except BadLine as error:
        raise StorageUnavailable(f"{journal}: history entries: {error.message}") from None


def after_last_entry(data: bytes) -> int:
    """Where the last entry line of history text ends (0: it has none)."""
    end = len(data)
    while end:
        start = data.rfind(b"\n", 0, end - 1) + 1
        if not data.startswith(ORIGIN.encode(), start):
            return end
        end = start
    return 0


class Reader:
    """Adds the entries of history text to a log, skipping the ones it holds already (by id).

    Lines are read in blocks: one split of the whole block (an origin line has as many fields
    as an entry line), then each column of the entry lines converted through a table of its
    distinct values (a few thousand dates, products and levels in a million lines). A block
    that does not convert is read again line by line, to name the first bad line.
    """

    def __init__(
        self, log: ChangeLog, base: int = 0, origin: Origin | None = None, last: int | None = None
    ) -> None:
        self.log = log
        self.base = base  # the id before the log's first entry (the history file's part)
        self.origin: Origin | None = log.origins[-1] if log.origins else origin
        self._products: dict[str, int] = {}
        self._days: dict[str, int] = {}
        self._levels: dict[str, int] = {}
        self._authors: Authors = {}  # (actor, note, import id) as written -> as they were
        self._last = last  # the id of the last entry line read (by this reader, or before)

    def next_log(self) -> ChangeLog:
        """The log read so far, a new one taking the entries after it: a block reader's way
        of keeping each block's entries apart, with the origin and checks running on."""
        done = self.log
        self.base += len(done)
        self.log = ChangeLog()
        return done

    def feed(self, text: str, line: int) -> None:
        """Whole lines of history text (no header), the first being line number `line`."""
        position, size = 0, len(text)
        while position < size:
            end = text.find("\n", min(position + BLOCK_CHARS, size - 1)) + 1
            block = text[position:end]
            self._block(block, line)
            position, line = end, line + block.count("\n")

    def _block(self, block: str, line: int, unquoted: bool = False) -> None:
        if not unquoted and '"' in block:  # a quoted field may hold a `;`
            self._by_line(block, line)
            return
        count = block.count("\n")
        # Each line break stays at the start of the field after it: every line must then
        # begin with one, or a line short of fields and one with too many would pass.
        fields = block.replace("\n", ";\n").split(";")
        starts = "".join(fields[FIELDS::FIELDS])
        if len(fields) != FIELDS * count + 1 or starts.count("\n") != count:
            raise self._first_bad_line(block, line)
        firsts = [fields[0], *starts.split("\n")[1:-1]]
        columns: list[list[str]] = [firsts, *(fields[k:-1:FIELDS] for k in range(1, FIELDS))]
        origins: list[tuple[int, Origin]] = []  # (entry it begins at, origin), in this block
        try:
            if ORIGIN in firsts:
                rows = compress(range(count), map(ORIGIN.__eq__, firsts))
                origins = [
                    (row - number, self._origin(fields, row, line + row))
                    for number, row in enumerate(rows)
                ]
                entry_rows = list(map(ORIGIN.__ne__, firsts))
                columns = [list(compress(column, entry_rows)) for column in columns]
            self._entries(columns, origins)
        except (ValueError, InvalidValue, BadLine):
            raise self._first_bad_line(block, line) from None
        if origins:
            self.origin = origins[-1][1]

    def _origin(self, fields: list[str], row: int, line: int) -> Origin:
        """The origin on row `row` of a block split whole (its `+` is in the column of ids)."""
        rest = fields[FIELDS * row + 1 : FIELDS * row + FIELDS]
        return parse_origin([ORIGIN, *rest], line, self._authors)

    def _by_line(self, block: str, line: int) -> None:
        """A block holding quotes: origin lines with them read the CSV way, the lines between
        them as blocks."""
        lines = block.split("\n")[:-1]
        first = 0
        for number, text in enumerate(lines):
            if is_origin(text) and '"' in text:
                if first < number:
                    self._block("\n".join(lines[first:number]) + "\n", line + first, True)
                fields = origin_fields(text, line + number)
                self.origin = parse_origin(fields, line + number, self._authors)
                first = number + 1
        if first < len(lines):
            self._block("\n".join(lines[first:]) + "\n", line + first, True)

    def _entries(self, columns: list[list[str]], origins: list[tuple[int, Origin]]) -> None:
        """Add the entry lines of a block, as columns of texts, with the origins among them;
        ValueError for anything `read_carefully` would refuse."""
        ids = columns[0]
        count = len(ids)
        if not count:
            return
        first = _consecutive_ids(ids)
        expected = self.base + len(self.log) + 1
        if first > expected:
            raise ValueError("entries are lost")
        if self._last is not None and first != self._last + 1:  # across blocks, as within
            raise ValueError("ids that do not follow each other")
        if self.origin is None and (not origins or origins[0][0] > 0):
            raise ValueError("an entry before any origin line")
        if len(self._levels) > LEVELS_KEPT:
            self._levels.clear()
        converted = (
            _column(columns[1], self._products, product),
            _column(columns[2], self._days, day, False),
            _column(columns[3], self._levels, level),
            _column(columns[4], self._levels, level),
            _column(columns[5], {}, change_id),
        )
        self._last = first + count - 1
        skip = expected - first
        if skip >= count:  # known already: the journal's copy of entries folded since
            return
        current, kept = self.origin, []
        for begins, origin in origins:
            if begins <= skip:
                current = origin
            else:
                kept.append((begins - skip, origin))
        assert current is not None
        self.log.extend([(0, current), *kept], *(column[skip:] for column in converted))

    def _first_bad_line(self, block: str, line: int) -> BadLine:
        """The first line of a block that fails, read one by one, with what is wrong."""
        lines = block.split("\n")[:-1]
        try:
            expected = self.base + len(self.log) + 1
            for _ in read_carefully(lines, line, expected, self.origin, self._last):
                pass
        except BadLine as error:
            return error
        return BadLine(line, "unreadable entries")


def _consecutive_ids(ids: list[str]) -> int:
    """The first of a column of entry ids, which must follow each other; ValueError if not."""
    first = entry_id(ids[0])
    expected = range(first, first + len(ids))
    if ids != list(map(str, expected)):  # as written; else each one read the careful way
        if list(map(entry_id, ids)) != list(expected):
            raise ValueError("ids that do not follow each other")
    elif len(ids[-1]) >= 20:
        entry_id(ids[-1])
    return first


def _column(
    texts: list[str], known: dict[str, int], convert: Callable[[str], int], same: bool = True
) -> array[int]:
    """The numbers a column of texts stands for; `known` maps the texts converted before.
    `same`: the column may well hold one text only (levels before a new record: Nones)."""
    first = texts[0]
    if same and texts.count(first) == len(texts):
        value = known[first] if first in known else known.setdefault(first, convert(first))
        return array("q", [value]) * len(texts)
    try:
        values = list(map(known.__getitem__, texts))
    except KeyError:
        for text in set(texts) - known.keys():
            known[text] = convert(text)
        values = list(map(known.__getitem__, texts))
    column = array("q")
    column.fromlist(values)
    return column
