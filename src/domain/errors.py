"""Domain errors: what went wrong, in words a person can act on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.model import Product  # the model raises these errors: imported for types only


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class InvalidValue(DomainError):
    """A value breaks a rule of the domain (a name too long, a negative level...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ProductNotFound(DomainError):
    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} does not exist")
        self.product_id = product_id


class RecordNotFound(DomainError):
    def __init__(self, product_id: int, date: dt.date) -> None:
        super().__init__(f"product {product_id} has no inventory record on {date.isoformat()}")
        self.product_id = product_id
        self.date = date


class DuplicateProduct(DomainError):
    """A product with this id, or this name in any letter case, exists already."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @classmethod
    def by_id(cls, product_id: int) -> DuplicateProduct:
        return cls(f"a product with id {product_id} exists already")

    @classmethod
    def by_name(cls, name: str, existing_id: int | None = None) -> DuplicateProduct:
        owner = f" (product {existing_id})" if existing_id is not None else ""
        return cls(f"a product named {name!r} exists already{owner}")


@dataclass(frozen=True, slots=True)
class LineError:
    """One bad line of an imported file: its 1-based number and what is wrong."""

    line: int
    message: str


class InvalidRows(DomainError):
    """An import was refused; nothing was written. Lists the first bad lines, counts all."""

    def __init__(self, errors: list[LineError], count: int | None = None) -> None:
        count = len(errors) if count is None else count
        super().__init__(f"{count} bad line{'s' if count != 1 else ''}; nothing was imported")
        self.errors = errors
        self.count = count


class ChangedMeanwhile(DomainError):
    """The writer saw another version than the one stored now: nothing was written."""


class RecordChanged(ChangedMeanwhile):
    def __init__(self, product_id: int, date: dt.date, current_level: int | None) -> None:
        now = "no record" if current_level is None else f"level {current_level}"
        super().__init__(
            f"product {product_id} on {date.isoformat()} changed meanwhile: it now has {now}"
        )
        self.product_id = product_id
        self.date = date
        self.current_level = current_level


class ProductChanged(ChangedMeanwhile):
    """`current`: the product as stored now."""

    def __init__(self, current: Product) -> None:
        super().__init__(f"product {current.id} changed meanwhile: it is now {current.name!r}")
        self.product_id = current.id
        self.current = current


class StorageUnavailable(DomainError):
    """The store cannot be opened or written (a missing folder, a corrupt file...)."""


class ChangeNotFound(DomainError):
    def __init__(self, change_id: int) -> None:
        super().__init__(f"there is no change {change_id} in the history")
        self.change_id = change_id


class ImportNotFound(DomainError):
    def __init__(self, import_id: str) -> None:
        super().__init__(f"the history holds no change made by import {import_id!r}")
        self.import_id = import_id


@dataclass(frozen=True, slots=True)
class Blocked:
    """A record an undo would have to overwrite: it no longer holds what the change left."""

    product_id: int
    date: dt.date
    expected_level: int | None  # what the change left (None: no record)
    current_level: int | None
    product_exists: bool = True

    def describe(self) -> str:
        where = f"product {self.product_id} on {self.date.isoformat()}"
        if not self.product_exists:
            return f"product {self.product_id} no longer exists; create it again to undo"
        left = "no record" if self.expected_level is None else f"level {self.expected_level}"
        now = "no record" if self.current_level is None else f"level {self.current_level}"
        return f"{where} changed since: the change left {left}, it now has {now}"


class UndoConflict(DomainError):
    """An undo was refused because a record changed since: nothing was written."""

    def __init__(self, blocked: list[Blocked], count: int | None = None) -> None:
        self.count = len(blocked) if count is None else count
        more = f" (and {self.count - 1} more records)" if self.count > 1 else ""
        super().__init__(blocked[0].describe() + more)
        self.blocked = blocked  # the first of them when there are many
