"""Entities and value rules: products and their inventory records."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from domain.errors import InvalidValue

MAX_PRODUCT_ID = 2**63 - 1  # a signed 64-bit key, as SQL databases store it
MAX_LEVEL = 2**31 - 1  # a signed 32-bit integer column
MAX_NAME_LENGTH = 200


def check_product_id(product_id: int) -> int:
    if isinstance(product_id, bool) or not isinstance(product_id, int):
        raise InvalidValue("product_id", "must be an integer")
    if not 1 <= product_id <= MAX_PRODUCT_ID:
        raise InvalidValue("product_id", f"must be between 1 and {MAX_PRODUCT_ID}")
    return product_id


def clean_name(name: str) -> str:
    """Trim a product name and check it: 1-200 characters, no control characters."""
    if not isinstance(name, str):
        raise InvalidValue("product_name", "must be text")
    cleaned = name.strip()
    if not cleaned:
        raise InvalidValue("product_name", "must not be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidValue("product_name", f"must be at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(char) == "Cc" for char in cleaned):
        raise InvalidValue("product_name", "must not contain control characters")
    return cleaned


def name_key(name: str) -> str:
    """The form under which two names count as the same (case-insensitive)."""
    return name.casefold()


def check_level(level: int) -> int:
    if isinstance(level, bool) or not isinstance(level, int):
        raise InvalidValue("inventory_level", "must be an integer")
    if not 0 <= level <= MAX_LEVEL:
        raise InvalidValue("inventory_level", f"must be between 0 and {MAX_LEVEL}")
    return level


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    name: str

    def __post_init__(self) -> None:
        check_product_id(self.id)
        object.__setattr__(self, "name", clean_name(self.name))


@dataclass(frozen=True, slots=True)
class InventoryRecord:
    """The level of one product on one calendar date."""

    product_id: int
    date: dt.date
    level: int

    def __post_init__(self) -> None:
        check_product_id(self.product_id)
        check_level(self.level)


RecordValues = tuple[int, dt.date, int]
"""A record as bulk writes take it: (product id, date, level), values checked already.
A plain tuple: an import makes a million, and building checked records doubled its time."""


@dataclass(slots=True)  # not frozen: built a thousand times per history read, and read only
class HistoryRow:
    """A record with its product's name: the row of the brief's flat format (a read model)."""

    product_id: int
    product_name: str
    date: dt.date
    level: int


@dataclass(frozen=True, slots=True)
class ProductSummary:
    """A product with how many records it has and its latest one."""

    product: Product
    record_count: int
    latest: InventoryRecord | None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a longer listing."""

    items: list[ProductSummary]
    total: int
