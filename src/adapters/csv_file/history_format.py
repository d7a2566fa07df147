"""The line format of the change history (`inventory.csv.changes`, and the journal's `#` lines):
how a line is written and how one is read, the single source of truth for both.

    id;product_id;date;level_before;level_after;undoes     the header
    +;2026-11-27T10:31:02.123456Z;edit;;alice;recount       an origin: at (UTC), cause, import id,
                                                            actor, note
    17;7;27-11-2026;40;42;                                  an entry: id, product, date, level
                                                            before, level after, id it undoes

An origin line is shared by every entry line after it, up to the next origin line: an import
of a million records is one origin line and a million entry lines of about 28 bytes. An empty
field is None. Actor and note are user text: quoted the CSV way when they hold `;` or `"`, and
defused like product names, so that a spreadsheet opening the file runs no formula. Entry
fields are never quoted.

`read_carefully` reads lines one by one; the bulk reader (`history_reader`) and the writer
(`history_writer`) are fast paths that must agree with this module on every line.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from domain import flat_rows
from domain.changes import Cause, Origin
from domain.errors import InvalidValue
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID

HEADER_LINE = "id;product_id;date;level_before;level_after;undoes"
HEADER = (HEADER_LINE + "\n").encode()
ORIGIN = "+"
FIELDS = 6  # in an entry line, and in an origin line
NONE = -1  # how the log's columns hold None
CAUSES = {cause.value: cause for cause in Cause}
# An entry as numbers: id, product, date (ordinal), level before, level after, id it undoes.
Entry = tuple[int, int, int, int, int, int]
Authors = dict[tuple[str, str, str], tuple[str, str | None, str | None]]


class BadLine(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# Writing


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


def date_field(ordinal: int) -> str:
    return flat_rows.format_date(dt.date.fromordinal(ordinal))


def number_field(value: int) -> str:
    """A level or an id; None (-1) as nothing."""
    return "" if value == NONE else str(value)


# Reading, one field at a time

MAX_NUMBER = 2**63 - 1


def number(text: str) -> int:
    """A whole number of at most 63 bits: the columns the log keeps its entries in."""
    if not (text.isascii() and text.isdigit() and len(text) < 20):
        raise ValueError(f"{text[:40]!r} is not a whole number")
    value = int(text)
    if value > MAX_NUMBER:
        raise ValueError(f"{text} is out of range")
    return value


def entry_id(text: str) -> int:
    value = number(text)
    if value == 0:
        raise ValueError("there is no change 0")
    return value


def product(text: str) -> int:
    value = number(text)
    if not 1 <= value <= MAX_PRODUCT_ID:
        raise ValueError(f"product id {value} is out of range")
    return value


def day(text: str) -> int:
    return flat_rows.parse_date(text).toordinal()


def level(text: str) -> int:
    if not text:
        return NONE
    value = number(text)
    if value > MAX_LEVEL:
        raise ValueError(f"level {value} is out of range")
    return value


def change_id(text: str) -> int:
    if not text:
        return NONE
    return entry_id(text)


ENTRY_FIELDS: tuple[tuple[str, Callable[[str], int]], ...] = (
    ("id", entry_id),
    ("product_id", product),
    ("date", day),
    ("level_before", level),
    ("level_after", level),
    ("undoes", change_id),
)


def fields_count(found: int) -> str:
    return f"expected {FIELDS} fields separated by ';', found {found}"


def parse_origin(fields: list[str], line: int, authors: Authors | None = None) -> Origin:
    """An origin line's fields (the first being `+`); `authors` keeps each author's texts
    once (edits repeat them)."""
    if len(fields) != FIELDS:
        raise BadLine(line, fields_count(len(fields)))
    _, at_text, cause_text, import_id, actor, note = fields
    cause = CAUSES.get(cause_text)
    if cause is None:
        raise BadLine(line, f"{cause_text!r} is not a cause of change")
    try:
        at = dt.datetime.fromisoformat(at_text)
    except ValueError as error:
        raise BadLine(line, str(error)) from None
    if not at_text.endswith("Z") or at.tzinfo is None:
        raise BadLine(line, f"{at_text!r} is not a UTC time ending in Z")
    texts = None if authors is None else authors.get((actor, note, import_id))
    if texts is None:
        texts = (
            flat_rows.restore(actor),
            flat_rows.restore(note) or None,
            flat_rows.restore(import_id) or None,
        )
        if authors is not None:
            authors[actor, note, import_id] = texts
    return Origin(at, texts[0], cause, texts[1], texts[2])


def is_origin(text: str) -> bool:
    return text.startswith(ORIGIN + ";") or text == ORIGIN


def origin_fields(text: str, line: int) -> list[str]:
    """The fields of an origin line: split at each `;`, or read the CSV way when quoted."""
    if '"' not in text:
        return text.split(";")
    try:
        return next(csv.reader([text], delimiter=";", strict=True))
    except csv.Error as error:
        raise BadLine(line, f"malformed quoting: {error}") from None


def parse_line(text: str, line: int) -> Origin | Entry:
    """One line (without its line break), read carefully: an origin or an entry."""
    if is_origin(text):
        return parse_origin(origin_fields(text, line), line)
    fields = text.split(";")
    if len(fields) != FIELDS:
        raise BadLine(line, fields_count(len(fields)))
    values = []
    for (name, convert), field in zip(ENTRY_FIELDS, fields, strict=True):
        try:
            values.append(convert(field))
        except (ValueError, InvalidValue) as error:
            raise BadLine(line, f"{name} {field!r}: {error}") from None
    return values[0], values[1], values[2], values[3], values[4], values[5]


def read_carefully(
    lines: Iterable[str],
    line: int,
    expected: int,
    origin: Origin | None,
    previous: int | None = None,
) -> Iterator[tuple[Origin, Entry]]:
    """The entries of history lines (no header, no line breaks), the first being line number
    `line`, with the origin each belongs to; `expected`: the id the next entry must have,
    those below it being known already (skipped, but checked); `previous`: the id of the entry
    line just before these, if any. BadLine at the first bad line."""
    for number_, text in enumerate(lines, start=line):
        parsed = parse_line(text, number_)
        if isinstance(parsed, Origin):
            origin = parsed
            continue
        identity = parsed[0]
        if previous is None and identity > expected:
            raise BadLine(
                number_,
                f"change {identity} follows change {expected - 1}: the entries between are lost",
            )
        if previous is not None and identity != previous + 1:
            raise BadLine(number_, f"change {identity} follows change {previous}")
        if origin is None:
            raise BadLine(number_, "an entry before any origin line")
        previous = identity
        if identity >= expected:
            yield origin, parsed
