"""The brief's flat format: `product_id;product_name;date;inventory_level`.

`;`-separated UTF-8, dates as dd-mm-yyyy, one row per record; a product with
no records is one row with an empty date and level. Used both by the CSV store
and by import/export, so the two can never disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from domain.errors import InvalidValue, LineError
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID, clean_name

HEADER = ("product_id", "product_name", "date", "inventory_level")
HEADER_LINE = ";".join(HEADER)
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class FlatRow:
    """One line of the flat format; date and level are None for a product without records."""

    product_id: int
    product_name: str
    date: dt.date | None
    level: int | None
    line: int = 0


def format_date(date: dt.date) -> str:
    return f"{date.day:02d}-{date.month:02d}-{date.year:04d}"


def parse_date(text: str) -> dt.date:
    """dd-mm-yyyy by slicing: strptime is ten times slower on a million rows."""
    if len(text) != 10 or text[2] != "-" or text[5] != "-":
        raise InvalidValue("date", f"{text!r} is not a date in the form dd-mm-yyyy")
    day, month, year = text[:2], text[3:5], text[6:]
    if not (day.isdigit() and month.isdigit() and year.isdigit() and text.isascii()):
        raise InvalidValue("date", f"{text!r} is not a date in the form dd-mm-yyyy")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidValue("date", f"{text!r} is not a real calendar date") from None


def _parse_int(field: str, text: str, maximum: int, minimum: int) -> int:
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()):
        raise InvalidValue(field, f"{text!r} is not a whole number >= {minimum}")
    value = int(stripped)
    if not minimum <= value <= maximum:
        raise InvalidValue(field, f"{stripped} is out of range {minimum}..{maximum}")
    return value


def _parse_fields(fields: list[str], line: int) -> FlatRow:
    if len(fields) != len(HEADER):
        raise InvalidValue("line", f"expected 4 fields separated by ';', found {len(fields)}")
    id_text, name, date_text, level_text = fields
    product_id = _parse_int("product_id", id_text, MAX_PRODUCT_ID, 1)
    product_name = clean_name(name)
    if not date_text.strip() and not level_text.strip():
        return FlatRow(product_id, product_name, None, None, line)
    if not date_text.strip() or not level_text.strip():
        raise InvalidValue("line", "date and inventory_level must both be given or both be empty")
    date = parse_date(date_text.strip())
    level = _parse_int("inventory_level", level_text, MAX_LEVEL, 0)
    return FlatRow(product_id, product_name, date, level, line)


def _check_header(fields: list[str]) -> None:
    if [field.strip() for field in fields] == list(HEADER):
        return
    joined = ";".join(fields)
    hint = " (the separator is ';', not ',')" if "," in joined and len(fields) == 1 else ""
    raise InvalidValue("header", f"the first line must be {HEADER_LINE!r}{hint}, found {joined!r}")


def decode(data: bytes) -> str:
    """UTF-8 text, with a leading byte-order mark dropped (spreadsheets add one)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidValue("file", f"line {line} is not valid UTF-8") from None
    return text.removeprefix(_BOM)


def parse(text: str) -> tuple[list[FlatRow], list[LineError]]:
    """Every valid row and every bad line (numbered from 1, the header being line 1)."""
    rows: list[FlatRow] = []
    errors: list[LineError] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    line, header_seen = 1, False
    try:
        for fields in reader:
            start, line = line, reader.line_num + 1
            if not fields or fields == [""]:
                continue
            try:
                if header_seen:
                    rows.append(_parse_fields(fields, start))
                else:
                    header_seen = True
                    _check_header(fields)
            except InvalidValue as error:
                errors.append(LineError(start, str(error)))
                if error.field == "header":
                    return [], errors
    except csv.Error as error:
        errors.append(LineError(line, f"malformed quoting: {error}"))
    if not header_seen:
        errors.append(LineError(1, f"the file is empty; the first line must be {HEADER_LINE!r}"))
    return rows, errors


def _cells(row: FlatRow) -> tuple[int, str, str, int | str]:
    if row.date is None or row.level is None:
        return (row.product_id, row.product_name, "", "")
    return (row.product_id, row.product_name, format_date(row.date), row.level)


def format_rows(rows: Iterable[FlatRow], chunk_rows: int = 10_000) -> Iterator[str]:
    """The header, then the rows, as text chunks of about `chunk_rows` lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    pending = 0
    for row in rows:
        writer.writerow(_cells(row))
        pending += 1
        if pending == chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()
