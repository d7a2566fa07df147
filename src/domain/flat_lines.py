"""Writing the flat format: a product's cells, and rows as text. The columns are
`flat_columns`'s, the quoting and dates `flat_rows`'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from domain import flat_columns
from domain.flat_columns import Layout
from domain.flat_rows import FlatRow, defuse, format_date, quote_name
from domain.model import Product


def product_cells(product: Product, layout: Layout) -> tuple[str, str]:
    """What a line of this product holds before its date (`7;Blue Widget;`) and after its
    level (the line end, after `;kg` when the layout has a unit column)."""
    return f"{product.id};{name_cell(product.name)};", line_end(product.unit, layout)


def name_cell(name: str) -> str:
    return quote_name(defuse(name))


def line_end(unit: str, layout: Layout) -> str:
    """The end of a product's line: its unit cell when the layout has the column."""
    return f";{quote_name(defuse(unit))}\n" if layout.has_unit else "\n"


def format_rows(
    rows: Iterable[FlatRow],
    chunk_rows: int = 10_000,
    header: bool = True,
    layout: Layout = flat_columns.DEFAULT,
) -> Iterator[str]:
    """The header (unless told not to), then the rows, as text chunks of about `chunk_rows`
    lines, in `layout`'s columns."""
    # Each name, unit and date is written once and looked up after: an export is this loop.
    names: dict[str, str] = {}
    ends: dict[str | None, str] = {}
    dates: dict[dt.date, str] = {}
    lines = [layout.header_line + "\n"] if header else []
    for row in rows:
        name = names.get(row.product_name)
        if name is None:
            name = names[row.product_name] = name_cell(row.product_name)
        end = ends.get(row.unit)
        if end is None:
            end = ends[row.unit] = line_end(row.unit or "", layout)
        if row.date is None or row.level is None:
            lines.append(f"{row.product_id};{name};;{end}")
        else:
            date = dates.get(row.date)
            if date is None:
                date = dates[row.date] = format_date(row.date)
            lines.append(f"{row.product_id};{name};{date};{row.level}{end}")
        if len(lines) >= chunk_rows:
            yield "".join(lines)
            lines = []
    yield "".join(lines)
