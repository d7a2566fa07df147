"""The change history beside the CSV file: `inventory.csv.changes`, append-only.

    id;product_id;date;level_before;level_after;undoes     the header
    +;2026-11-27T10:31:02.123456Z;edit;;alice;recount       an origin: at (UTC), cause, import id,
                                                            actor, note
    17;7;27-11-2026;40;42;                                  an entry: id, product, date, level
                                                            before, level after, id it undoes

An origin line is shared by every entry line after it, up to the next origin line: an import
of a million records is one origin line and a million entry lines of about 28 bytes. An empty
field is None. Actor and note are user text: quoted the CSV way when they hold `;` or `"`, and
defused like product names, so that a spreadsheet opening the file runs no formula.

The file only grows, and only while a journal fold is committed (see `storage.py`); the
journal carries the same lines, each behind a `#`, inside its sealed commits. Every writer
appends only the entries whose ids are above the file's last one, so finishing an append
that a crash interrupted never writes an entry twice.
Blocking: call these off the event loop.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, compress, repeat
from pathlib import Path
from typing import BinaryIO

from adapters.csv_file import disk
from adapters.csv_file.disk import fsync_folder
from adapters.memory.changes import ChangeLog
from domain import flat_rows
from domain.changes import Cause, Origin
from domain.errors import InvalidValue, StorageUnavailable
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID

HEADER_LINE = "id;product_id;date;level_before;level_after;undoes"
HEADER = (HEADER_LINE + "\n").encode()
ORIGIN = "+"
FIELDS = 6  # in an entry line, and in an origin line
# The file is read this much at a time, and entry lines split this much text at a time: the
# ~55,000 field strings of a block cost 3 MB, a whole file's 6 million would cost 300 MB.
READ_BYTES = 1 << 20
BLOCK_CHARS = 1 << 18
LEVELS_KEPT = 1 << 16  # distinct levels remembered as written, from block to block
FORMAT_ENTRIES = 10_000  # entries formatted at once when writing
NONE = -1  # how the log's columns hold None


def history_path(main: Path) -> Path:
    return main.with_name(main.name + ".changes")


def pending_path(main: Path) -> Path:
    """Where a commit too large for the journal puts its entries before its ready file."""
    return main.with_name(main.name + ".changes.pending")


# Writing


def lines(log: ChangeLog, start: int, end: int, prefix: str = "") -> Iterator[str]:
    """The entries at positions [start, end) as text in chunks, each run of entries sharing
    an origin after that origin's line; every line behind `prefix` (the journal's `#`)."""
    starts = log.origin_starts
    number = bisect_right(starts, start) - 1
    dates: dict[int, str] = {}
    while start < end:
        stop = min(end, starts[number + 1] if number + 1 < len(starts) else len(log))
        yield prefix + origin_line(log.origins[number])
        for first in range(start, stop, FORMAT_ENTRIES):
            yield _entry_lines(log, first, min(stop, first + FORMAT_ENTRIES), prefix, dates)
        start, number = stop, number + 1


def origin_line(origin: Origin) -> str:
    fields = (
        ORIGIN,
        f"{origin.at:%Y-%m-%dT%H:%M:%S.%f}Z",
        str(origin.cause),
        _user_text(origin.import_id),
        _user_text(origin.actor),
        _user_text(origin.note),
    )
    return ";".join(fields) + "\n"


def _user_text(text: str | None) -> str:
    if not text:
        return ""
    if "\n" in text or "\r" in text:  # the domain refuses these; a line each is what we read
        raise ValueError(f"a history field holds a line break: {text!r}")
    return flat_rows.quote_name(flat_rows.defuse(text))


def _entry_lines(log: ChangeLog, start: int, end: int, prefix: str, dates: dict[int, str]) -> str:
    """The lines as one string of every field in a row, separators included: each distinct
    field is made once (ids from shared pieces), where an f-string per line costs twice as
    much, and an import writes a million lines."""
    days = log.days[start:end]
    for ordinal in set(days) - dates.keys():
        dates[ordinal] = flat_rows.format_date(dt.date.fromordinal(ordinal)) + ";"
    count = end - start
    columns = [
        *_id_texts(start + 1, end + 1),
        repeat(";", count),
        _texts(log.products[start:end], ";"),
        map(dates.__getitem__, days),
        _texts(log.befores[start:end], ";"),
        _texts(log.afters[start:end], ";"),
        _texts(log.undoes[start:end], "\n"),
    ]
    if prefix:
        columns.insert(0, repeat(prefix, count))
    return "".join(chain.from_iterable(zip(*columns, strict=True)))


_LAST_DIGITS = [f"{number:03d}" for number in range(1000)]


def _id_texts(first: int, end: int) -> tuple[Iterator[str], Iterator[str]]:
    """The ids from `first` to `end` as text, in two pieces: the thousands, and the last three
    digits, taken from a table. Turning each id into text would take half the time."""
    heads: list[Iterator[str]] = []
    tails: list[Iterable[str]] = []
    number = first
    while number < end:
        thousand, rest = divmod(number, 1000)
        stop = min(end, (thousand + 1) * 1000)
        if thousand:
            heads.append(repeat(str(thousand), stop - number))
            tails.append(_LAST_DIGITS[rest : rest + stop - number])
        else:  # no leading zeros
            heads.append(repeat("", stop - number))
            tails.append(map(str, range(number, stop)))
        number = stop
    return chain.from_iterable(heads), chain.from_iterable(tails)


def _texts(column: array[int], after: str) -> Iterator[str]:
    """Each number as text, None (-1) as nothing, then `after`; each distinct one made once."""
    texts = {value: f"{value}{after}" for value in set(column)}
    texts[NONE] = after
    return map(texts.__getitem__, column)


def write_pending(main: Path, log: ChangeLog, start: int) -> None:
    """Put the entries from position `start` on in the pending file, durably; on failure
    leave none behind (a full disk gets its space back).

    Its folder entry is made durable by the fsync of the folder that follows when the ready
    file is renamed into place, before anything relies on it.
    """
    path = pending_path(main)
    try:
        disk.write_file(path, chain([HEADER_LINE + "\n"], lines(log, start, len(log))))
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None


def discard_pending(main: Path) -> None:
    """A pending file without a ready file is a commit that never happened."""
    path = pending_path(main)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise StorageUnavailable(f"cannot remove {path}: {error.strerror}") from None


@dataclass(frozen=True, slots=True)
class Settled:
    start: int  # where the file's last entry line ended before
    end: int  # and where it ends now
    last: int  # the id of that entry now


def settle(main: Path, from_journal: bytes) -> Settled | None:
    """Append the entries of a fold that the history file lacks, durably: first those of the
    journal's commits (`from_journal`, their lines without the `#`), then those of the
    pending file. Run while the fold's ready file waits, so that a crash at any point leaves
    everything to do again, and nothing twice. None when there was nothing to add."""
    path, pending = history_path(main), pending_path(main)
    if not from_journal and not pending.exists():
        return None
    try:
        with open(os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666), "rb") as history:
            descriptor = history.fileno()  # read through `history`, written through this
            last, start = _tail(history, path)
            if os.fstat(descriptor).st_size > start:  # a torn append: its entries come again
                os.ftruncate(descriptor, start)
            if not start:
                disk.write_all(descriptor, HEADER)
            last = _append(descriptor, from_journal, last, path)
            last = _append_file(descriptor, pending, last, path)
            os.fsync(descriptor)
            end = os.fstat(descriptor).st_size
        # The file's folder entry too: whoever created it may have crashed before doing so,
        # and the journal is emptied next. One more fsync per fold.
        fsync_folder(path.parent)
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None
    return Settled(start, end, last)


def drop_pending(main: Path) -> None:
    """Remove the pending file once `settle` copied it: a large commit's point of no return,
    after which its fold is finished, never taken back (`cut_from` needs the pending file)."""
    path = pending_path(main)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise StorageUnavailable(f"cannot remove {path}: {error.strerror}") from None
    # Made durable before the journal is emptied, if the disk lets us; past this point the
    # fold goes on whatever happens, and the folder is fsynced again once the file is in place.
    with contextlib.suppress(OSError):
        fsync_folder(path.parent)


def _append(history: int, text: bytes, last: int, path: Path) -> int:
    """Write the entries of whole history lines `text` above id `last`; the new last id."""
    if not text:
        return last
    first, final = _first_id(text, path), _last_id(text, path)
    if final <= last:
        return last
    if first > last + 1:
        raise StorageUnavailable(
            f"{path} ends at change {last}, but the changes to add begin at {first}: "
            "the history file lost entries"
        )
    if first <= last:  # written already up to `last`: a crash came before the journal's cut
        cut = text.find(b"\n%d;" % (last + 1)) + 1
        if not cut:
            raise StorageUnavailable(f"{path}: change {last + 1} is missing from what to add")
        origin = text.rfind(b"\n" + ORIGIN.encode(), 0, cut) + 1
        text = text[origin : text.index(b"\n", origin) + 1] + text[cut:]
    disk.write_all(history, text)
    return final


def _append_file(history: int, source: Path, last: int, path: Path) -> int:
    try:
        pending = open(source, "rb")  # noqa: SIM115 - closed by `with` below; may be absent
    except FileNotFoundError:
        return last
    with pending:
        if pending.read(len(HEADER)) != HEADER:
            raise StorageUnavailable(f"{source} is not a history file")
        head = pending.read(READ_BYTES)
        if not head:
            return last
        final, _ = _tail(pending, source)
        if final > last and _first_id(head, source) == last + 1:  # the usual case: all of it
            disk.write_all(history, head)
            pending.seek(len(HEADER) + len(head))
            while chunk := pending.read(READ_BYTES):
                disk.write_all(history, chunk)
            return final
        pending.seek(len(HEADER))
        return _append(history, pending.read(), last, path)


def first_pending_id(main: Path) -> int | None:
    """The id of the first entry in the pending file: where a large commit's entries begin."""
    try:
        with open(pending_path(main), "rb") as pending:
            head = pending.read(len(HEADER) + READ_BYTES)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageUnavailable(f"cannot read {pending_path(main)}: {error.strerror}") from None
    return _first_id(head[len(HEADER) :], pending_path(main)) or None


def holds(main: Path, from_journal: bytes) -> bool:
    """Whether the history file holds every entry of `from_journal` already, and no pending
    file waits: a fold got past the point where it can be taken back."""
    path = history_path(main)
    if pending_path(main).exists():
        return False
    if not from_journal:
        return True
    try:
        with open(path, "rb") as history:
            last, _ = _tail(history, path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    return _last_id(from_journal, path) <= last


def cut_from(main: Path, change_id: int) -> None:
    """Take out of the history file, durably, the entries from `change_id` on (with the
    origin line before them) and any torn append: those of a large commit withdrawn."""
    path = history_path(main)
    try:
        with open(path, "r+b") as history:
            last, end = _tail(history, path)
            if last >= change_id:
                end = _start_of_run(history, change_id, path)
            if history.seek(0, os.SEEK_END) > end:
                history.truncate(end)
                os.fsync(history.fileno())
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageUnavailable(f"cannot write {path}: {error.strerror}") from None


def _start_of_run(history: BinaryIO, change_id: int, path: Path) -> int:
    """Where the line of entry `change_id` begins, or the origin line just before it.
    Searched backwards from the end, which it is near, a block at a time."""
    needle = b"\n%d;" % change_id
    end = history.seek(0, os.SEEK_END)
    while end > 0:
        start = max(0, end - READ_BYTES)
        history.seek(start)
        data = history.read(end - start + len(needle))  # overlapping the block after
        found = data.rfind(needle)
        if found >= 0:
            line = data.rfind(b"\n", 0, found) + 1
            return start + (line if line and data.startswith(ORIGIN.encode(), line) else found + 1)
        end = start
    raise StorageUnavailable(f"{path}: change {change_id} is not where its commit put it")


def _first_id(text: bytes, path: Path) -> int:
    """The id of the first entry line of history text (0: there is none)."""
    start = 0
    while start < len(text) and text.startswith(ORIGIN.encode(), start):
        start = text.index(b"\n", start) + 1
    if start >= len(text):
        return 0
    return _id_of(text[start : text.find(b";", start)], path)


def _last_id(text: bytes, path: Path) -> int:
    """The id of the last entry line of history text (0: there is none)."""
    end = _after_last_entry(text)
    if not end:
        return 0
    start = text.rfind(b"\n", 0, end - 1) + 1
    return _id_of(text[start : text.find(b";", start)], path)


def _id_of(text: bytes, path: Path) -> int:
    if not (text.isdigit() and len(text) < 20):
        raise StorageUnavailable(f"{path}: {text[:40]!r} is not the id of a change")
    return int(text)


def _tail(handle: BinaryIO, path: Path) -> tuple[int, int]:
    """The last id of a history file and where its last entry line ends (after the header
    when it has none; 0 when it is empty). What follows is a torn append: a partial line, or
    an origin line whose entries never made it."""
    size = handle.seek(0, os.SEEK_END)
    span = 1 << 16
    while True:
        start = max(0, size - span)
        handle.seek(start)
        data = handle.read(size - start)
        end = data.rfind(b"\n") + 1
        while end:
            line = data.rfind(b"\n", 0, end - 1) + 1
            if line == 0 and start > 0:  # may begin before what was read
                break
            if data[line : line + 1].isdigit():
                return _id_of(data[line : data.find(b";", line)], path), start + end
            end = line
        if start == 0:
            if data.startswith(HEADER):
                return 0, len(HEADER)
            if HEADER.startswith(data):  # the header itself was torn: the file is empty
                return 0, 0
            raise StorageUnavailable(f"{path} line 1: the first line must be {HEADER_LINE!r}")
        span *= 4


# Reading


class BadLine(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read(path: Path, log: ChangeLog, offset: int) -> int:
    """Add to `log` the entries of the history file from byte `offset` on (0: the whole file)
    that it lacks; where the last entry line read ends, for the next call."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by `with` below; may be absent
    except FileNotFoundError:
        return 0
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    reader = Reader(log)
    line, from_start = 1, offset == 0
    with handle:
        try:
            if from_start:
                head = handle.read(len(HEADER))
                if head != HEADER:
                    if HEADER.startswith(head):  # empty, or a header a crash tore
                        return 0
                    raise BadLine(1, f"the first line must be {HEADER_LINE!r}")
                offset, line = len(HEADER), 2
            else:
                handle.seek(offset)
            return _read_from(handle, reader, offset, line)
        except BadLine as error:
            if not from_start:  # numbered from `offset`: count the lines before it
                handle.seek(0)
                error.line += handle.read(offset).count(b"\n")
            raise StorageUnavailable(f"{path} line {error.line}: {error.message}") from None
        except UnicodeDecodeError:
            raise StorageUnavailable(f"{path} is not valid UTF-8") from None
        except OSError as error:
            raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None


def add(log: ChangeLog, text: bytes, journal: Path) -> None:
    """Add the entries of history lines taken from the journal that `log` lacks."""
    if not text:
        return
    try:
        Reader(log).feed(text.decode("utf-8"), 1)
    except BadLine as error:
        raise StorageUnavailable(f"{journal}: history entries: {error.message}") from None


def _read_from(handle: BinaryIO, reader: Reader, offset: int, line: int) -> int:
    end, rest = offset, b""
    position = offset  # of the start of `rest`
    while chunk := handle.read(READ_BYTES):
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        whole, rest = data[:cut], data[cut:]
        if not whole:
            continue
        reader.feed(whole.decode("utf-8"), line)
        line += whole.count(b"\n")
        after = _after_last_entry(whole)
        if after:
            end = position + after
        position += cut
    return end  # what follows `end` is a torn append: partial, or origin lines alone


def _after_last_entry(data: bytes) -> int:
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

    def __init__(self, log: ChangeLog) -> None:
        self.log = log
        self.origin: Origin | None = log.origins[-1] if log.origins else None
        self._products: dict[str, int] = {}
        self._days: dict[str, int] = {}
        self._levels: dict[str, int] = {}
        # (actor, note, import id) as written -> as they were: each kept once
        self._authors: dict[tuple[str, str, str], tuple[str, str | None, str | None]] = {}

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
        fields = block.replace("\n", ";").split(";")
        if len(fields) != FIELDS * count + 1:
            raise self._first_bad_line(block, line)
        firsts = fields[0:-1:FIELDS]
        columns: list[list[str]] = [firsts, *(fields[k:-1:FIELDS] for k in range(1, FIELDS))]
        origins: list[tuple[int, Origin]] = []  # (entry it begins at, origin), in this block
        if ORIGIN in firsts:
            rows = compress(range(count), map(ORIGIN.__eq__, firsts))
            origins = [
                (
                    row - number,
                    self._origin(fields[FIELDS * row : FIELDS * row + FIELDS], line + row),
                )
                for number, row in enumerate(rows)
            ]
            entry_rows = list(map(ORIGIN.__ne__, firsts))
            columns = [list(compress(column, entry_rows)) for column in columns]
        try:
            self._entries(columns, origins, line)
        except (ValueError, InvalidValue):
            raise self._first_bad_line(block, line) from None
        if origins:
            self.origin = origins[-1][1]

    def _by_line(self, block: str, line: int) -> None:
        """A block holding quotes: origin lines with them read the CSV way, the lines between
        them as blocks."""
        lines = block.split("\n")[:-1]
        first = 0
        for number, text in enumerate(lines):
            if text.startswith(ORIGIN) and '"' in text:
                if first < number:
                    self._block("\n".join(lines[first:number]) + "\n", line + first, True)
                try:
                    fields = next(csv.reader([text], delimiter=";", strict=True))
                except csv.Error as error:
                    raise BadLine(line + number, f"malformed quoting: {error}") from None
                self.origin = self._origin(fields, line + number)
                first = number + 1
        if first < len(lines):
            self._block("\n".join(lines[first:]) + "\n", line + first, True)

    def _origin(self, fields: list[str], line: int) -> Origin:
        if len(fields) != FIELDS:
            raise BadLine(line, f"expected {FIELDS} fields separated by ';', found {len(fields)}")
        _, at_text, cause_text, import_id, actor, note = fields
        cause = _CAUSES.get(cause_text)
        if cause is None:
            raise BadLine(line, f"{cause_text!r} is not a cause of change")
        try:
            at = dt.datetime.fromisoformat(at_text)
        except ValueError as error:
            raise BadLine(line, str(error)) from None
        if not at_text.endswith("Z") or at.tzinfo is None:
            raise BadLine(line, f"{at_text!r} is not a UTC time ending in Z")
        texts = self._authors.get((actor, note, import_id))
        if texts is None:  # once per author and note: edits repeat them
            texts = self._authors[actor, note, import_id] = (
                flat_rows.restore(actor),
                flat_rows.restore(note) or None,
                flat_rows.restore(import_id) or None,
            )
        return Origin(at, texts[0], cause, texts[1], texts[2])

    def _entries(
        self, columns: list[list[str]], origins: list[tuple[int, Origin]], line: int
    ) -> None:
        """Add the entry lines of a block, as columns of texts, with the origins among them."""
        ids = columns[0]
        count = len(ids)
        if not count:
            return
        first, last = _number(ids[0]), _number(ids[-1])
        if last - first != count - 1:
            raise ValueError("ids that do not follow each other")
        expected = len(self.log) + 1
        if last < expected:  # known already: the journal's copy of entries folded since
            return
        if first > expected:
            raise BadLine(
                line, f"change {first} follows change {expected - 1}: the entries between are lost"
            )
        skip = expected - first
        current, kept = self.origin, []
        for begins, origin in origins:
            if begins <= skip:
                current = origin
            else:
                kept.append((begins - skip, origin))
        if current is None:
            raise BadLine(line, "an entry before any origin line")
        if len(self._levels) > LEVELS_KEPT:
            self._levels.clear()
        if skip:
            columns = [column[skip:] for column in columns]
        self.log.extend(
            [(0, current), *kept],
            _column(columns[1], self._products, _product),
            _column(columns[2], self._days, _day, False),
            _column(columns[3], self._levels, _level),
            _column(columns[4], self._levels, _level),
            _column(columns[5], {}, _change_id),
        )

    def _first_bad_line(self, block: str, line: int) -> BadLine:
        """The first line of a block that fails, read one by one, with what is wrong."""
        previous: int | None = None
        checks: tuple[tuple[str, Callable[[str], int]], ...] = (
            ("id", _number),
            ("product_id", _product),
            ("date", _day),
            ("level_before", _level),
            ("level_after", _level),
            ("undoes", _change_id),
        )
        for number, text in enumerate(block.split("\n")[:-1], start=line):
            if text.startswith(ORIGIN):
                try:
                    self._origin(next(csv.reader([text], delimiter=";", strict=True)), number)
                except csv.Error as error:
                    return BadLine(number, f"malformed quoting: {error}")
                except BadLine as error:
                    return error
                continue
            fields = text.split(";")
            if len(fields) != FIELDS:
                return BadLine(
                    number, f"expected {FIELDS} fields separated by ';', found {len(fields)}"
                )
            for (name, check), field in zip(checks, fields, strict=True):
                try:
                    check(field)
                except (ValueError, InvalidValue) as error:
                    return BadLine(number, f"{name} {field!r}: {error}")
            if previous is not None and int(fields[0]) != previous + 1:
                return BadLine(number, f"change {fields[0]} follows change {previous}")
            previous = int(fields[0])
        return BadLine(line, "unreadable entries")


_CAUSES = {cause.value: cause for cause in Cause}


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


def _number(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 20):
        raise ValueError(f"{text[:40]!r} is not a whole number")
    return int(text)


def _product(text: str) -> int:
    value = _number(text)
    if not 1 <= value <= MAX_PRODUCT_ID:
        raise ValueError(f"product id {value} is out of range")
    return value


def _day(text: str) -> int:
    return flat_rows.parse_date(text).toordinal()


def _level(text: str) -> int:
    if not text:
        return NONE
    value = _number(text)
    if value > MAX_LEVEL:
        raise ValueError(f"level {value} is out of range")
    return value


def _change_id(text: str) -> int:
    if not text:
        return NONE
    value = _number(text)
    if value == 0:
        raise ValueError("there is no change 0")
    return value
