"""The brief's flat format: `product_id;product_name;date;inventory_level`, then the
optional product columns that `flat_columns` defines, read by the header's names.

`;`-separated UTF-8, dates as dd-mm-yyyy, one row per record; a product with
no records is one row with an empty date and level. Used both by the CSV store
and by import/export, so the two can never disagree.

Safe for spreadsheets. A spreadsheet opening the file may split each line on `;` or on `,`
(whichever its locale expects), and reads a cell starting with `= + - @`, a tab or a carriage
return as a formula (OWASP's CSV injection). Text fields (names here, actor and note in the
history file) are therefore written so that no cell of either split starts with one:

- `defuse`: at the start of the text and after every `,` and `;` in it, a character that is
  one of `= + - @ \t \r`, or one of the two marks `'` and `"`, gets a `'` before it. So
  `Widget,=cmd` is written `Widget,'=cmd`, and `'quoted` is written `''quoted`.
- `restore` takes exactly those `'` out again: at the start and after every `,` and `;`, a
  `'` followed by one of those characters is dropped. The `,` and `;` are never added or
  removed, so both see the same places, and every text comes back exactly as it was.
- `quote_name`: the CSV way (in `"`, with `"` doubled) when the text holds `,`, `;`, `"` or
  a line break, so that a reader splitting the CSV way keeps it one field.

`"` is defused too because a spreadsheet that honours quotes would start a quoted cell there
and might read what follows the closing quote as the cell's content. Files written before
this rule (only the start of a field was defused) read the same, except a text that holds
`,'` or `;'` followed by one of those characters: its `'` is now taken as a defusing mark.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, Any, NamedTuple

from domain import flat_columns
from domain.errors import InvalidValue, LineError
from domain.flat_columns import REQUIRED, Layout
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID, Product, stored_name, stored_unit
from domain.whole_numbers import parse_whole_number

HEADER_LINE = flat_columns.DEFAULT_LINE
_BOM = "\ufeff"


class FlatRow(NamedTuple):
    """One line of the flat format; date and level are None for a product without records.

    A named tuple rather than a dataclass: a million of them are built on every load.
    """

    product_id: int
    product_name: str
    date: dt.date | None
    level: int | None
    line: int = 0
    unit: str | None = None  # None: the file has no unit column

    def product(self) -> Product:
        return Product(self.product_id, self.product_name, self.unit or "")


def format_date(date: dt.date) -> str:
    return f"{date.day:02d}-{date.month:02d}-{date.year:04d}"


def parse_date(text: str) -> dt.date:
    """dd-mm-yyyy by slicing, much faster than strptime (bench/results/design-timings.md)."""
    if len(text) != 10 or text[2] != "-" or text[5] != "-":
        raise InvalidValue("date", f"{text!r} is not a date in the form dd-mm-yyyy")
    day, month, year = text[:2], text[3:5], text[6:]
    if not (day.isdigit() and month.isdigit() and year.isdigit() and text.isascii()):
        raise InvalidValue("date", f"{text!r} is not a date in the form dd-mm-yyyy")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidValue("date", f"{text!r} is not a real calendar date") from None


class _RowParser:
    """Parses fields into rows, remembering the products and dates already seen.

    A product and a date recur on thousands of lines: checking each once, and sharing
    one object for all of them, makes a million-row file load several times faster and
    smaller. Lines that repeat nothing known take the full, checking path.
    """

    def __init__(self, layout: Layout) -> None:
        # A product by its cells as written: id and name, then its unit when the file has one.
        self._products: dict[tuple[str, ...], tuple[int, str, str | None]] = {}
        self._dates: dict[str, dt.date] = {}
        self._layout = layout  # any but the brief's four columns: lines arranged in KNOWN's order
        self.row = self._row if layout.positions is None else self._arranged_row

    def _row(self, fields: list[str], line: int) -> FlatRow:
        if len(fields) == 4:
            product = self._products.get((fields[0], fields[1]))
            date = self._dates.get(fields[2])
            level = fields[3]
            if product and date and level.isascii() and level.isdigit() and len(level) < 10:
                return FlatRow(product[0], product[1], date, int(level), line)
        return self._checked_row(fields, line)

    def _arranged_row(self, fields: list[str], line: int) -> FlatRow:
        fields = self._layout.arrange(fields)
        product = self._products.get((fields[0], fields[1], *fields[4:]))
        date, level = self._dates.get(fields[2]), fields[3]
        if product and date and level.isascii() and level.isdigit() and len(level) < 10:
            return FlatRow(product[0], product[1], date, int(level), line, product[2])
        return self._checked_row(fields, line)

    def _checked_row(self, fields: list[str], line: int) -> FlatRow:
        if self._layout.positions is None and len(fields) != len(REQUIRED):
            raise InvalidValue("line", f"expected 4 fields separated by ';', found {len(fields)}")
        id_text, name, date_text, level_text = fields[:4]
        product_id = parse_whole_number("product_id", id_text, MAX_PRODUCT_ID, 1)
        product_name = stored_name(restore(name))
        unit = stored_unit(restore(fields[4])) if self._layout.has_unit else None
        self._products[(id_text, name, *fields[4:])] = (product_id, product_name, unit)
        date_text, level_text = date_text.strip(), level_text.strip()
        if not date_text and not level_text:
            return FlatRow(product_id, product_name, None, None, line, unit)
        if not date_text or not level_text:
            raise InvalidValue(
                "line", "date and inventory_level must both be given or both be empty"
            )
        date = self._dates.get(date_text)
        if date is None:
            date = self._dates[date_text] = parse_date(date_text)
        level = parse_whole_number("inventory_level", level_text, MAX_LEVEL, 0)
        return FlatRow(product_id, product_name, date, level, line, unit)


# An upload is decoded and split this many bytes at a time (cut after a line break), so that
# its text is never held whole: as a str it would take one to four times the file again.
CHUNK_BYTES = 1 << 20
FileData = bytes | bytearray | IO[bytes]
"""A file's bytes: in memory, or the file itself (read a piece at a time, three times)."""


def read_data(data: FileData) -> Iterator[FlatRow | LineError]:
    """Each row of a file's bytes, or the error of each bad line, as `read` gives them.

    Bytes that are not UTF-8 are the one error, naming their line: nothing in such a file
    is read. A leading byte-order mark (spreadsheets add one) is dropped.
    """
    undecodable, plain = _survey(data)
    if undecodable is not None:
        yield LineError(undecodable, f"file: line {undecodable} is not valid UTF-8")
        return
    chunks = _numbered_chunks(data)
    if not plain:
        # Quoted fields may hold line breaks, so the csv module reads these, line by line.
        yield from read(line for text, _ in chunks for line in io.StringIO(text, ""))
        return
    yield from _rows(chain.from_iterable(_split(text, first) for text, first in chunks))


def _pieces(data: FileData) -> Iterator[bytes | bytearray]:
    """`data` about CHUNK_BYTES at a time, each piece cut after a line break."""
    if isinstance(data, (bytes, bytearray)):
        start = 0
        while start < len(data):
            end = data.find(b"\n", start + CHUNK_BYTES)
            end = len(data) if end < 0 else end + 1
            yield data[start:end]
            start = end
        return
    data.seek(0)
    while piece := data.read(CHUNK_BYTES):
        yield piece + data.readline()


def _survey(data: FileData) -> tuple[int | None, bool]:
    """The first line that is not UTF-8 (None: none), and whether the text is plain: without
    quotes, carriage returns or NULs, so that `_split` may read it."""
    line, plain = 1, True
    for piece in _pieces(data):
        try:
            line += str(piece, "utf-8").count("\n")
        except UnicodeDecodeError as error:
            return line + piece.count(b"\n", 0, error.start), False
        plain = plain and not any(special in piece for special in (b'"', b"\r", b"\x00"))
    return None, plain


def _numbered_chunks(data: FileData) -> Iterator[tuple[str, int]]:
    """Each piece of `data`'s text (no byte-order mark) with the number of its first line."""
    line = 1
    for number, piece in enumerate(_pieces(data)):
        text = str(piece, "utf-8").removeprefix(_BOM if number == 0 else "")
        yield text, line
        line += text.count("\n")


def read(lines: Iterable[str]) -> Iterator[FlatRow | LineError]:
    """Each row, or the error of each bad line (numbered from 1, the header being line 1).

    `lines` are text lines as a file opened with newline="" gives them. A bad header
    ends the reading: nothing after it can be trusted.
    """
    reader = csv.reader(lines, delimiter=";", strict=True)
    numbered = _numbered(reader)
    yield from _rows(numbered)
    if numbered.error is not None:
        yield numbered.error


class _numbered:
    """The csv reader's fields with the number of the line each starts on; a quoting
    error ends them and is kept in `error`."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.error: LineError | None = None

    def __iter__(self) -> Iterator[tuple[list[str], int]]:
        line = 1
        try:
            for fields in self._reader:
                start, line = line, self._reader.line_num + 1
                yield fields, start
        except csv.Error as error:
            self.error = LineError(line, f"malformed quoting: {error}")


def _split(text: str, number: int = 1) -> Iterator[tuple[list[str], int]]:
    """What the csv reader gives for a text without quotes, carriage returns or NULs, at a
    third of its cost: on such a text every line is its fields joined by `;`. Lines are
    numbered from `number`."""
    # Line by line, found in place: a list of every line, or a StringIO (four bytes a
    # character), would hold another 70-140 MB for a million-line file.
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end].split(";"), number
        start, number = end + 1, number + 1
    if start < len(text):
        yield text[start:].split(";"), number


def _rows(numbered: Iterable[tuple[list[str], int]]) -> Iterator[FlatRow | LineError]:
    layout = flat_columns.DEFAULT
    row = _RowParser(layout).row
    header_seen = False
    for fields, line in numbered:
        if not fields or fields == [""]:
            continue
        try:
            if header_seen:
                yield row(fields, line)
                continue
            header_seen = True
            layout = flat_columns.read_header([fields[0].removeprefix(_BOM), *fields[1:]])
            row = _RowParser(layout).row
        except InvalidValue as error:
            yield LineError(line, str(error))
            if error.field == "header":
                return
    if not header_seen:
        yield LineError(1, f"the file is empty; the first line must be {HEADER_LINE!r}")


def parse(text: str) -> tuple[list[FlatRow], list[LineError]]:
    """Every valid row and every bad line of a whole text."""
    items = read_data(text.encode("utf-8"))
    rows: list[FlatRow] = []
    errors: list[LineError] = []
    for item in items:
        if type(item) is FlatRow:
            rows.append(item)
        else:
            errors.append(item)  # type: ignore[arg-type]
    return rows, errors


# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection);
# the last two are the defusing mark itself and the quote, defused too (see the docstring).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"
_DEFUSED = (*_FORMULA_START, _ESCAPE, '"')
# A place where a spreadsheet may start a cell, followed by a character to defuse there.
_DEFUSE_AT = re.compile(r"(^|[,;])(?=[=+\-@\t\r'\"])")
_RESTORE_AT = re.compile(r"(^|[,;])'(?=[=+\-@\t\r'\"])")


def defuse(text: str) -> str:
    """A text as it is written to a file: a `'` before each character that would start a
    formula at the start or after a `,` or `;` (the module's docstring has the rule)."""
    if "," in text or ";" in text:
        return _DEFUSE_AT.sub(r"\1" + _ESCAPE, text)
    return _ESCAPE + text if text.startswith(_DEFUSED) else text  # the common case, faster


def restore(cell: str) -> str:
    """The text a `defuse`d cell holds."""
    if "," in cell or ";" in cell:
        return _RESTORE_AT.sub(r"\1", cell)
    if cell.startswith(_ESCAPE) and cell[1:].startswith(_DEFUSED):
        return cell[1:]
    return cell


def quote_name(name: str) -> str:
    """The name as a CSV field: quoted when it holds `,`, `;`, a quote or a line break."""
    if ";" in name or "," in name or '"' in name or "\n" in name or "\r" in name:
        return '"' + name.replace('"', '""') + '"'
    return name
