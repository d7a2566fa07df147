"""Entities and value rules: products and their inventory records."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import astuple, dataclass

from domain.errors import InvalidValue

MAX_PRODUCT_ID = 2**63 - 1  # a signed 64-bit key, as SQL databases store it
MAX_LEVEL = 2**31 - 1  # a signed 32-bit integer column
MAX_NAME_LENGTH = 200
# name_key may lengthen a name (the ligature U+FDFA is 18 characters spelled out); a key is
# stored in a unique index, whose entries PostgreSQL limits to about 2,700 bytes.
MAX_NAME_KEY_LENGTH = 3 * MAX_NAME_LENGTH
MAX_UNIT_LENGTH = 20


def check_product_id(product_id: int) -> int:
    if isinstance(product_id, bool) or not isinstance(product_id, int):
        raise InvalidValue("product_id", "must be an integer")
    if not 1 <= product_id <= MAX_PRODUCT_ID:
        raise InvalidValue("product_id", f"must be between 1 and {MAX_PRODUCT_ID}")
    return product_id


# Invisible characters that are letters to Unicode (category Lo), not format characters: the
# Hangul fillers render as nothing, so "Widget" and "Widget" + U+3164 would look the same.
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


def stored_name(name: str) -> str:
    """A product name as a store may hold it: trimmed, 1-200 characters, no control characters.

    The rule names had before invisible characters were refused: stores written then still
    read (see `clean_name` for what a new name must also be).
    """
    cleaned = bounded_text("product_name", name, MAX_NAME_LENGTH)
    if not cleaned:
        raise InvalidValue("product_name", "must not be empty")
    return cleaned


def clean_name(name: str) -> str:
    """A new product name (create, rename, import): `stored_name`'s rules, in Unicode's
    composed form (NFC), without invisible or direction-changing characters.

    NFC so that "Café" typed with a combining accent is stored as the same text as "Café"
    typed with "é". Invisible characters (format characters, category Cf: zero-width
    spaces, direction overrides, the byte-order mark...; and the Hangul fillers) make a
    name that looks like another, or reads differently from what it holds.
    """
    if not isinstance(name, str):
        raise InvalidValue("product_name", "must be text")
    cleaned = _visible("product_name", stored_name(unicodedata.normalize("NFC", name)))
    if len(name_key(cleaned)) > MAX_NAME_KEY_LENGTH:
        raise InvalidValue(
            "product_name",
            f"is longer than {MAX_NAME_KEY_LENGTH} characters once its compatibility "
            "characters (ligatures and the like) are spelled out",
        )
    return cleaned


def stored_unit(unit: str) -> str:
    """A product's unit (`pcs`, `kg`) as a store may hold it: trimmed, at most 20
    characters, no control characters; empty when the product has none."""
    return bounded_text("unit", unit, MAX_UNIT_LENGTH)


def bounded_text(field: str, text: str, longest: int) -> str:
    """Text as a store may hold it: trimmed, at most `longest` characters, no control
    characters (a name, a unit, an actor, a note; the files keep one entry per line)."""
    if not isinstance(text, str):
        raise InvalidValue(field, "must be text")
    cleaned = text.strip()
    if len(cleaned) > longest:
        raise InvalidValue(field, f"must be at most {longest} characters")
    if any(unicodedata.category(char) == "Cc" for char in cleaned):
        raise InvalidValue(field, "must not contain control characters")
    return cleaned


def clean_unit(unit: str) -> str:
    """A new unit (create, change, import): `stored_unit`'s rules, in NFC, without invisible
    or direction-changing characters, for the reasons `clean_name` gives."""
    if not isinstance(unit, str):
        raise InvalidValue("unit", "must be text")
    return _visible("unit", stored_unit(unicodedata.normalize("NFC", unit)))


def _visible(field: str, text: str) -> str:
    hidden = invisible_characters(text)
    if hidden:
        raise InvalidValue(
            field,
            "must not contain invisible or direction-changing characters: " + ", ".join(hidden),
        )
    return text


def invisible_characters(name: str) -> list[str]:
    """The invisible or direction-changing characters in a name, as U+XXXX, each once."""
    found = dict.fromkeys(
        char for char in name if char in _HANGUL_FILLERS or unicodedata.category(char) == "Cf"
    )
    return [f"U+{ord(char):04X}" for char in found]


def name_key(name: str) -> str:
    """The form under which two names count as the same: NFKC, then case-folded (and NFKC
    again, as case folding can undo it; Unicode's own NFKC_Casefold does both).

    NFKC makes look-alikes one: "Widget" with a full-width W (U+FF37) and "Widget", the
    ligature U+FB01 and "fi", composed and decomposed "Café". Stores keep this key unique; if it ever changes, the SQL
    stores need a migration that recomputes their `name_key` column (see alembic 0003).
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def check_level(level: int) -> int:
    if isinstance(level, bool) or not isinstance(level, int):
        raise InvalidValue("inventory_level", "must be an integer")
    if not 0 <= level <= MAX_LEVEL:
        raise InvalidValue("inventory_level", f"must be between 0 and {MAX_LEVEL}")
    return level


@dataclass(frozen=True, slots=True)
class Product:
    """A product as stored, every attribute of it: stores keep and return it whole. Its name
    is checked only by `stored_name`, so that names stored before the rules tightened still
    read; services pass every new name through `clean_name` (and unit through `clean_unit`)."""

    id: int
    name: str
    unit: str = ""

    def __post_init__(self) -> None:
        check_product_id(self.id)
        object.__setattr__(self, "name", stored_name(self.name))
        object.__setattr__(self, "unit", stored_unit(self.unit))

    def fields(self) -> tuple[object, ...]:
        """Every attribute, in declaration order: what a version of the product is made of,
        so that a field added later is covered without anyone listing it."""
        return astuple(self)


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
