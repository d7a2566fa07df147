"""Properties of the flat format over generated data (hypothesis)."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import flat_columns, flat_lines, flat_rows
from domain.errors import LineError
from domain.flat_rows import FlatRow
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID, stored_name, stored_unit

# Any name a store may hold: separators, quotes, commas, formula starts, accents, and the
# invisible characters of names stored before new names refused them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
names = (
    st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs"))
        | st.sampled_from(";\",'=+-@ \u200b"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda name: 0 < len(name) <= 200)
    .filter(lambda name: stored_name(name) == name)
)
rows = st.builds(
    FlatRow,
    product_id=st.integers(1, MAX_PRODUCT_ID),
    product_name=names,
    date=st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
    level=st.integers(0, MAX_LEVEL),
    line=st.just(0),
    unit=st.none(),
).map(lambda row: row if row.date else row._replace(level=None))
# Any unit a store may hold, as names are drawn (without the minimum length: none is fine).
units = (
    st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs"))
        | st.sampled_from(";\",'=+-@ \u200b"),
        max_size=20,
    )
    .map(str.strip)
    .filter(lambda unit: stored_unit(unit) == unit)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(rows, max_size=20))
def test_any_valid_rows_round_trip_exactly(generated: list[FlatRow]) -> None:
    text = "".join(flat_lines.format_rows(generated))
    parsed, errors = flat_rows.parse(text)
    assert errors == []
    assert [row._replace(line=0) for row in parsed] == generated


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(rows, units), max_size=20))
def test_any_valid_rows_with_units_round_trip_exactly(generated: list[tuple[FlatRow, str]]) -> None:
    with_units = [row._replace(unit=unit) for row, unit in generated]
    text = "".join(flat_lines.format_rows(with_units, layout=flat_columns.WITH_UNIT))
    assert text.startswith(flat_columns.WITH_UNIT.header_line + "\n")
    parsed, errors = flat_rows.parse(text)
    assert errors == []
    assert [row._replace(line=0) for row in parsed] == with_units


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode), st.integers(1, 64))
def test_arbitrary_bytes_parse_to_rows_or_line_errors(data: bytes, chunk: int) -> None:
    items = list(flat_rows.read_data(flat_rows.HEADER_LINE.encode() + b"\n" + data))
    assert all(type(item) in (FlatRow, LineError) for item in items)
    assert all(item.line >= 1 and item.message for item in items if type(item) is LineError)
    # Read a few bytes at a time, it is the same.
    with patch.object(flat_rows, "CHUNK_BYTES", chunk):
        assert list(flat_rows.read_data(flat_rows.HEADER_LINE.encode() + b"\n" + data)) == items


# Any text, control characters too: the history file's actor and note go through the same rule.
texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)) | st.sampled_from(";,'\"=+-@\t\r"),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_any_text_round_trips_through_defuse_and_restore(text: str) -> None:
    assert flat_rows.restore(flat_rows.defuse(text)) == text


def cells(line: str) -> list[str]:
    """What a spreadsheet splitting on `;` or on `,` could make a cell start with, quotes
    it honours (one leading `"`) taken off too."""
    found = [cell for separator in ",;" for cell in line.split(separator)]
    return found + [cell[1:] for cell in found if cell.startswith('"')]


@settings(max_examples=500, deadline=None)
@given(st.lists(rows, min_size=1, max_size=10))
def test_no_cell_of_a_comma_or_semicolon_split_starts_a_formula(generated: list[FlatRow]) -> None:
    text = "".join(flat_lines.format_rows(generated))
    for line in text.splitlines():
        assert not [cell for cell in cells(line) if cell.startswith(FORMULA_START)], line


@settings(max_examples=500, deadline=None)
@given(texts)
def test_no_cell_of_a_defused_text_starts_a_formula(text: str) -> None:
    written = flat_rows.quote_name(flat_rows.defuse(text))
    assert not [cell for cell in cells(written) if cell.startswith(FORMULA_START)]
