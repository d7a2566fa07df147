"""A product as a row of `products`: the one way each between the two.

The columns are named as `Product`'s fields and read in their order, so a field added to
`Product` needs its column (and migration) here, no list of columns anywhere else.
`name_key` is the one column that is not a field: it is derived from the name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from domain.model import Product, name_key

FIELDS = tuple(field.name for field in dataclasses.fields(Product))
COLUMNS_SQL = ", ".join(FIELDS)
"""The columns a product is read from, in `Product`'s order: `SELECT {COLUMNS_SQL} ...`."""
WRITTEN = (*FIELDS, "name_key")
"""The columns a product is written to, in the order `values_of` gives them."""


def product_of(row: Sequence[Any]) -> Product:
    """The product of a row whose first columns are FIELDS."""
    return Product(*row[: len(FIELDS)])


def values_of(product: Product) -> tuple[Any, ...]:
    """The product's row, in WRITTEN's order."""
    return (*product.fields(), name_key(product.name))


def row_of(product: Product) -> dict[str, Any]:
    """The product's row by column name, as SQLAlchemy's `values()` takes it."""
    return dict(zip(WRITTEN, values_of(product), strict=True))
