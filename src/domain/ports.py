"""Ports: what the use cases need from storage. Adapters subclass these."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from domain.model import HistoryRow, InventoryRecord, Page, Product, ProductSummary


class ProductRepository(Protocol):
    @abstractmethod
    async def get(self, product_id: int) -> Product | None:
        """The product with this id, or None."""

    @abstractmethod
    async def summary(self, product_id: int) -> ProductSummary | None:
        """The product with its record count and latest record, or None."""

    @abstractmethod
    async def all(self) -> list[Product]:
        """Every product, ordered by id."""

    @abstractmethod
    async def search(self, text: str | None, limit: int, offset: int) -> Page:
        """Products whose id is `text` or whose name contains it (any case), by id, summarised."""

    @abstractmethod
    async def next_id(self) -> int:
        """One more than the largest id in use; 1 for an empty store."""

    @abstractmethod
    async def add(self, product: Product) -> None:
        """Store a new product; raises DuplicateProduct when its id or name is taken."""

    @abstractmethod
    async def rename(self, product: Product) -> None:
        """Give the product with this id its new name; raises DuplicateProduct when taken."""

    @abstractmethod
    async def remove(self, product_id: int) -> None:
        """Delete the product and every record of it."""

    @abstractmethod
    async def remove_all(self) -> None:
        """Delete every product and record (an import that replaces the store)."""


class InventoryRepository(Protocol):
    @abstractmethod
    async def get(self, product_id: int, date: dt.date) -> InventoryRecord | None:
        """The record of this product on this date, or None."""

    @abstractmethod
    async def history(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> list[HistoryRow]:
        """Records of these products (all when None) within [start, end], by product id, date."""

    @abstractmethod
    async def put(self, record: InventoryRecord) -> bool:
        """Create or replace the record of its product and date; True when it is new."""

    @abstractmethod
    async def put_many(self, records: Sequence[InventoryRecord]) -> None:
        """Create or replace many records at once (products must exist)."""

    @abstractmethod
    async def remove(self, product_id: int, date: dt.date) -> bool:
        """Delete the record; False when there was none."""


@runtime_checkable  # the web framework checks injected values against it
class UnitOfWork(Protocol):
    """One transaction over both repositories.

    `async with uow:` opens it; leaving the block without `commit()` rolls back.
    """

    products: ProductRepository
    inventory: InventoryRepository

    @abstractmethod
    async def __aenter__(self) -> Self:
        """Begin the transaction."""

    @abstractmethod
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End it, rolling back whatever was not committed."""

    @abstractmethod
    async def commit(self) -> None:
        """Make every change durable; only then is it acknowledged."""

    @abstractmethod
    async def rollback(self) -> None:
        """Drop every change since the transaction began or last committed."""
