"""Domain errors: what went wrong, in words a person can act on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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
    """An import was refused; nothing was written. Lists every bad line."""

    def __init__(self, errors: list[LineError]) -> None:
        count = len(errors)
        super().__init__(f"{count} bad line{'s' if count != 1 else ''}; nothing was imported")
        self.errors = errors


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
    def __init__(self, product_id: int, current_name: str) -> None:
        super().__init__(f"product {product_id} changed meanwhile: it is now {current_name!r}")
        self.product_id = product_id
        self.current_name = current_name


class StorageUnavailable(DomainError):
    """The store cannot be opened or written (a missing folder, a corrupt file...)."""
