"""An upload as columns: the same rows and the same bad lines as the file, bounded."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import upload
from domain.errors import LineError
from domain.flat_rows import HEADER_LINE, FlatRow, format_date
from domain.model import Product

DAY = dt.date(2025, 1, 1)


def parsed(text: str) -> upload.Upload:
    return upload.parse((HEADER_LINE + "\n" + text).encode())


def test_records_come_back_as_the_tuples_the_stores_take() -> None:
    rows = parsed("1;A;01-01-2025;5\n1;A;02-01-2025;6\n2;B;;\n")
    assert (rows.rows, rows.records, rows.bad.count) == (3, 2, 0)
    assert rows.products == {1: (Product(1, "A"), 2), 2: (Product(2, "B"), 4)}
    assert rows.batch(0, 2) == [(1, DAY, 5), (1, dt.date(2025, 1, 2), 6)]
    assert rows.batch(1, 2) == [(1, dt.date(2025, 1, 2), 6)]


def test_a_file_of_bad_lines_keeps_the_first_thousand_and_counts_them_all() -> None:
    rows = parsed("x;y;z\n" * 5000)
    assert rows.bad.count == 5000
    assert [error.line for error in rows.bad.first()] == list(range(2, 1002))


def test_repeated_dates_found_after_the_last_line_are_listed_in_line_order() -> None:
    # Out of order, so the repeats are found by the full check, after every parse error.
    text = "1;A;02-01-2025;1\n1;A;01-01-2025;1\nbad\n1;A;02-01-2025;3\nworse\n"
    assert [(e.line, e.message[:30]) for e in parsed(text).bad.first()] == [
        (4, "line: expected 4 fields separa"),
        (5, "product 1 on 02-01-2025 is alr"),
        (6, "line: expected 4 fields separa"),
    ]


def test_when_more_than_a_thousand_lines_are_bad_the_lowest_numbers_are_kept() -> None:
    dated = [f"1;A;{format_date(DAY + dt.timedelta(days=n))};1" for n in range(600)]
    text = "\n".join([*reversed(dated), *dated[:600], *["bad"] * 600]) + "\n"
    bad = parsed(text).bad
    assert bad.count == 1200
    assert [error.line for error in bad.first()] == list(range(602, 1602))


rows = st.lists(
    st.builds(
        FlatRow,
        product_id=st.integers(1, 4),
        product_name=st.sampled_from(["A", "B"]),
        date=st.one_of(st.none(), st.dates(DAY, DAY + dt.timedelta(days=5))),
        level=st.just(1),
        line=st.just(0),
        unit=st.none(),
    ).map(lambda row: row if row.date else row._replace(level=None)),
    max_size=30,
)


def conflicts_line_by_line(items: list[FlatRow]) -> list[LineError]:
    """What the file says against itself, found the plain way: each line against the earlier."""
    first_name: dict[int, FlatRow] = {}
    seen: dict[tuple[int, dt.date], int] = {}
    errors = []
    for row in items:
        earlier = first_name.setdefault(row.product_id, row)
        if earlier.product_name != row.product_name:
            errors.append(
                LineError(
                    row.line,
                    f"product {row.product_id} is named {earlier.product_name!r} on line "
                    f"{earlier.line}, {row.product_name!r} here",
                )
            )
        if row.date is not None:
            line = seen.setdefault((row.product_id, row.date), row.line)
            if line != row.line:
                errors.append(
                    LineError(
                        row.line,
                        f"product {row.product_id} on {format_date(row.date)} "
                        f"is already on line {line}",
                    )
                )
    return errors


@settings(max_examples=300, deadline=None)
@given(rows)
def test_the_columns_find_what_a_line_by_line_check_finds(generated: list[FlatRow]) -> None:
    numbered = [row._replace(line=n) for n, row in enumerate(generated, start=2)]
    checked = upload.collect(numbered)
    assert checked.bad.first() == conflicts_line_by_line(numbered)
    dated = [row for row in numbered if row.date is not None]
    assert checked.batch(0, checked.records) == [(r.product_id, r.date, r.level) for r in dated]
    assert checked.rows == len(numbered)


def test_a_unit_column_is_read_and_another_unit_for_a_product_is_a_bad_line() -> None:
    text = "1;P1;30-01-2025;5;kg\n2;P2;31-01-2025;5;\n1;P1;31-01-2025;5; g\n"
    rows = upload.parse(("product_id;product_name;date;inventory_level;unit\n" + text).encode())
    assert rows.units_given
    assert rows.products == {1: (Product(1, "P1", "kg"), 2), 2: (Product(2, "P2"), 3)}
    assert rows.bad.first() == [
        LineError(4, "product 1 has the unit 'kg' on line 2, 'g' here"),
    ]
    assert not parsed("1;P1;;\n").units_given  # no unit column: the file says nothing of units


def test_the_briefs_columns_in_another_order_say_nothing_of_units() -> None:
    rows = upload.parse(b"product_name;inventory_level;date;product_id\nP1;5;30-01-2025;1\n")
    assert not rows.units_given
    assert rows.products == {1: (Product(1, "P1"), 2)}
    assert rows.batch(0, 1) == [(1, dt.date(2025, 1, 30), 5)]
