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
    end = f";{quote_name(defuse(product.unit))}\n" if layout.has_unit else "\n"
    return f"{product.id};{quote_name(defuse(product.name))};", end


def format_rows(
    rows: Iterable[FlatRow],
    chunk_rows: int = 10_000,
    header: bool = True,
    layout: Layout = flat_columns.DEFAULT,
) -> Iterator[str]:
    """The header (unless told not to), then the rows, as text chunks of about `chunk_rows`
    lines, in `layout`'s columns."""
    cells: dict[tuple[int, str, str | None], tuple[str, str]] = {}
    dates: dict[dt.date, str] = {}
    lines = [layout.header_line + "\n"] if header else []
    for row in rows:
        key = (row.product_id, row.product_name, row.unit)
        known = cells.get(key)
        if known is None:
            known = cells[key] = product_cells(row.product(), layout)
        prefix, end = known
        if row.date is None or row.level is None:
            lines.append(f"{prefix};{end}")
        else:
            date = dates.get(row.date)
            if date is None:
                date = dates[row.date] = format_date(row.date)
            lines.append(f"{prefix}{date};{row.level}{end}")
        if len(lines) >= chunk_rows:
            yield "".join(lines)
            lines = []
    yield "".join(lines)
