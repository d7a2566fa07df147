"""Properties of the flat format over generated data (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import flat_rows
from domain.errors import InvalidValue
from domain.flat_rows import FlatRow
from domain.model import MAX_LEVEL, MAX_PRODUCT_ID, clean_name

# Any name the domain accepts: separators, quotes, commas, formula starts, accents.
names = (
    st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from(";\",'=+-@ "),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda name: 0 < len(name) <= 200)
    .filter(lambda name: clean_name(name) == name)
)
rows = st.builds(
    FlatRow,
    product_id=st.integers(1, MAX_PRODUCT_ID),
    product_name=names,
    date=st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
    level=st.integers(0, MAX_LEVEL),
    line=st.just(0),
).map(lambda row: row if row.date else row._replace(level=None))


@settings(max_examples=300, deadline=None)
@given(st.lists(rows, max_size=20))
def test_any_valid_rows_round_trip_exactly(generated: list[FlatRow]) -> None:
    text = "".join(flat_rows.format_rows(generated))
    parsed, errors = flat_rows.parse(text)
    assert errors == []
    assert [row._replace(line=0) for row in parsed] == generated


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_parse_to_rows_or_line_errors(data: bytes) -> None:
    try:
        text = flat_rows.decode(data)
    except InvalidValue as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        assert "not valid UTF-8" in problem
        return
    parsed, errors = flat_rows.parse(flat_rows.HEADER_LINE + "\n" + text)
    assert all(error.line >= 1 and error.message for error in errors)
    assert all(isinstance(row, FlatRow) for row in parsed)
