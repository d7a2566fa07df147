"""The columns of the flat format, read by the header's names: the one place that says
which columns a file may have.

The brief's four columns are required; after them a file may name product columns, each
an attribute of `Product` (only `unit` today). A file with no product column is the brief's
file exactly, and every writer leaves a product column out unless some product needs it, so
files of products without one stay byte for byte what they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import InvalidValue
from domain.model import Product

REQUIRED = ("product_id", "product_name", "date", "inventory_level")
PRODUCT_COLUMNS = ("unit",)
"""Optional columns, each named as the `Product` attribute it holds."""
KNOWN = (*REQUIRED, *PRODUCT_COLUMNS)
DEFAULT_LINE = ";".join(REQUIRED)


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns of one file, in its order. `positions`: where each of KNOWN stands in a
    line (None: not in this file); None as a whole when the file is the brief's four."""

    names: tuple[str, ...] = REQUIRED
    positions: tuple[int | None, ...] | None = None

    @property
    def width(self) -> int:
        return len(self.names)

    @property
    def header_line(self) -> str:
        return ";".join(self.names)

    @property
    def has_unit(self) -> bool:
        return "unit" in self.names

    def arrange(self, fields: list[str]) -> list[str]:
        """A line's fields in KNOWN's order, a column this file lacks given as empty;
        InvalidValue("line") when the line has not as many fields as the header."""
        assert self.positions is not None
        if len(fields) != self.width:
            raise InvalidValue(
                "line", f"expected {self.width} fields separated by ';', found {len(fields)}"
            )
        if self.names == KNOWN:  # as Stockline writes them: already in order
            return fields
        return ["" if at is None else fields[at] for at in self.positions]


DEFAULT = Layout()
WITH_UNIT = Layout((*REQUIRED, "unit"), tuple(range(len(KNOWN))))


def written_for(products: Iterable[Product]) -> Layout:
    """The columns a file of these products is written with: a unit column only when some
    product has a unit."""
    return WITH_UNIT if any(product.unit for product in products) else DEFAULT


def read_header(fields: list[str]) -> Layout:
    """The layout a header line names; InvalidValue("header") for a missing required column,
    an unknown or a repeated one."""
    names = [field.strip() for field in fields]
    if names == list(REQUIRED):
        return DEFAULT
    if not set(REQUIRED) <= set(names):
        joined = ";".join(fields)
        hint = " (the separator is ';', not ',')" if "," in joined and len(fields) == 1 else ""
        raise InvalidValue(
            "header",
            f"the first line must be {DEFAULT_LINE!r}{hint}, optionally followed by product "
            f"columns ({', '.join(PRODUCT_COLUMNS)}), found {joined!r}",
        )
    unknown = [name for name in names if name not in KNOWN]
    if unknown:
        raise InvalidValue(
            "header",
            f"unknown column {unknown[0]!r}: the columns are {', '.join(REQUIRED)} and "
            f"optionally {', '.join(PRODUCT_COLUMNS)}",
        )
    repeated = [name for name in KNOWN if names.count(name) > 1]
    if repeated:
        raise InvalidValue("header", f"the column {repeated[0]!r} is named twice")
    positions = tuple(names.index(name) if name in names else None for name in KNOWN)
    return Layout(tuple(names), positions)
