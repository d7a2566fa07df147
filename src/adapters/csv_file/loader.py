"""Reading the CSV file into an index quickly: the start-up of a store of a million rows.

Most lines repeat a product and a date already seen: such a line is split by hand and
costs three dictionary look-ups. Every other line (a product or a date met for the
first time, a product without records, anything unusual) goes through the domain's
own reader, so the two can never disagree on what a valid file is. Files holding
quotes or carriage returns, or columns beyond the brief's four, are read by the domain's
reader whole.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable

from adapters.memory.index import Index
from domain import flat_columns, flat_rows
from domain.errors import LineError, StorageUnavailable
from domain.flat_rows import FlatRow

WITH_UNIT_LINE = flat_columns.WITH_UNIT.header_line
AddRow = Callable[[Index, FlatRow], "str | None"]  # puts a row in the index, or says why not


def load_text(text: str, where: str, add: AddRow) -> Index:
    """The index of a whole file's text; StorageUnavailable names the first bad line."""
    lines = iter(io.StringIO(text, newline=""))
    header = next(lines, "")
    # The fast paths know the columns as Stockline writes them; a file with others (or with
    # quotes, or carriage returns) is read the domain's way throughout.
    columns = header.removeprefix("\ufeff").rstrip("\n")
    if '"' in text or "\r" in text or columns not in (flat_rows.HEADER_LINE, WITH_UNIT_LINE):
        return _load_checked(io.StringIO(text, newline=""), where, add)
    index = Index()
    _check(index, [header], 1, where, add)
    if columns == WITH_UNIT_LINE:
        return _load_with_units(index, lines, header, where, add)
    known: dict[str, dict[dt.date, int]] = {}  # "id;name" as written -> its product's levels
    dates: dict[str, dt.date] = {}  # dd-mm-yyyy as written -> the date
    numbers: dict[str, int] = {}  # a level as written, with its line end -> the level
    for number, line in enumerate(lines, start=2):
        # "id;name;dd-mm-yyyy;level\n": the date is the 10 characters before the last ";".
        head, _, level_text = line.rpartition(";")
        levels, date = known.get(head[:-11]), dates.get(head[-10:])
        level = numbers.get(level_text)
        if level is None and _plain_level(level_text):
            level = numbers[level_text] = int(level_text)
        if (
            levels is None
            or date is None
            or level is None
            or head[-11:-10] != ";"
            or date in levels
        ):
            if line != "\n":
                row = _check(index, [header, line], number, where, add)
                _learn(index, row, head, known, dates)
            continue
        levels[date] = level
    return index


def _load_with_units(
    index: Index, lines: Iterable[str], header: str, where: str, add: AddRow
) -> Index:
    """`load_text`'s loop for a file with a unit column, which the product's key then holds."""
    known: dict[str, dict[dt.date, int]] = {}  # "id;name;unit\n" as written -> the levels
    dates: dict[str, dt.date] = {}
    numbers: dict[str, int] = {}  # a level as written -> the level
    for number, line in enumerate(lines, start=2):
        # "id;name;dd-mm-yyyy;level;unit\n": the unit is after the last ";", the level before.
        rest, _, unit = line.rpartition(";")
        head, _, level_text = rest.rpartition(";")
        levels, date = known.get(f"{head[:-11]};{unit}"), dates.get(head[-10:])
        level = numbers.get(level_text)
        if level is None and _plain_level(level_text + "\n"):
            level = numbers[level_text] = int(level_text)
        if (
            levels is None
            or date is None
            or level is None
            or head[-11:-10] != ";"
            or date in levels
        ):
            if line != "\n":
                row = _check(index, [header, line], number, where, add)
                _learn(index, row, head, known, dates, f";{unit}")
            continue
        levels[date] = level
    return index


def _plain_level(text: str) -> bool:
    """Digits and a line end, as a level the domain would take unchanged."""
    return text.endswith("\n") and text[:-1].isdigit() and text.isascii() and len(text) < 11


def _learn(
    index: Index,
    row: FlatRow | None,
    head: str,
    known: dict[str, dict[dt.date, int]],
    dates: dict[str, dt.date],
    unit: str = "",
) -> None:
    """Remember a checked line's product (with its `;unit` cell when the file has one) and
    date as written, when written plainly."""
    if row is None or row.date is None or head[-11:-10] != ";":
        return
    prefix, day = head[:-11], head[-10:]
    if prefix.count(";") == 1 and day == flat_rows.format_date(row.date):
        dates[day] = row.date
        known[prefix + unit] = index.levels[row.product_id]


def _check(index: Index, lines: list[str], number: int, where: str, add: AddRow) -> FlatRow | None:
    """Read one line (after the header) the domain's way and add it; None for the header."""
    for item in flat_rows.read(lines):
        problem = item.message if isinstance(item, LineError) else add(index, item)
        if problem:
            raise StorageUnavailable(f"{where} line {number}: {problem}")
        assert isinstance(item, FlatRow)
        return item
    return None


def _load_checked(lines: Iterable[str], where: str, add: AddRow) -> Index:
    index = Index()
    for item in flat_rows.read(lines):
        problem = item.message if isinstance(item, LineError) else add(index, item)
        if problem:
            raise StorageUnavailable(f"{where} line {item.line}: {problem}")
    return index
