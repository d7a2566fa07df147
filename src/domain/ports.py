"""Ports: what the use cases need from storage. Adapters subclass these."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import AsyncGenerator, Sequence
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from domain.changes import Change, ChangeQuery, LevelChange, Origin
from domain.model import (
    HistoryRow,
    InventoryRecord,
    Page,
    Product,
    ProductSummary,
    RecordValues,
)


class ProductRepository(Protocol):
    @abstractmethod
    async def get(self, product_id: int) -> Product | None:
        """The product with this id, or None."""

    @abstractmethod
    async def many(self, product_ids: Sequence[int]) -> list[Product]:
        """Those of these products that exist, ordered by id."""

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
    async def add_many(self, products: Sequence[Product]) -> None:
        """Store new products, as `add` each (an import may create a hundred thousand)."""

    @abstractmethod
    async def update(self, product: Product) -> None:
        """Store the product with this id as given, every attribute; raises DuplicateProduct
        when its name is another's."""

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
    async def history_slices(
        self, product_ids: Sequence[int], start: dt.date | None, end: dt.date | None, rows: int
    ) -> AsyncGenerator[list[HistoryRow], None]:
        """As `history`, `rows` at a time (the last slice may be shorter), all from one
        snapshot: a read of any size holds a slice at a time. The last thing a unit of work
        does: drain (or close) the iterator before it ends; writers may go on meanwhile."""

    @abstractmethod
    async def put(self, record: InventoryRecord) -> bool:
        """Create or replace the record of its product and date; True when it is new."""

    @abstractmethod
    async def put_many(
        self,
        records: Sequence[RecordValues],
        origin: Origin,
        undoes: Sequence[int] | None = None,
    ) -> int:
        """Create or replace many records at once (products must exist), each with its
        history entry under `origin`: the level it replaced, the new one, and the entry it
        undoes (`undoes[i]` for `records[i]`) when given. The id of the last entry.

        One call for both: a store writes a million of each in bulk, and knows the level
        each record replaces without reading it first.
        """

    @abstractmethod
    async def remove(self, product_id: int, date: dt.date) -> bool:
        """Delete the record; False when there was none."""

    @abstractmethod
    async def remove_many(self, keys: Sequence[tuple[int, dt.date]]) -> None:
        """Delete the records of these (product id, date) keys; absent ones are skipped."""


class ChangeRepository(Protocol):
    """The append-only history. Nothing here updates or deletes an entry."""

    @abstractmethod
    async def record(self, origin: Origin, changes: Sequence[LevelChange]) -> int:
        """Append entries with ids above every id before; the id of the last one (0: none)."""

    @abstractmethod
    async def get(self, change_id: int) -> Change | None:
        """The entry with this id, or None."""

    @abstractmethod
    async def find(self, query: ChangeQuery) -> list[Change]:
        """Up to `query.limit` entries matching it, newest (highest id) first."""

    @abstractmethod
    async def of_import(self, import_id: str, after: int, limit: int) -> list[Change]:
        """Up to `limit` of the entries an import wrote with ids above `after`, oldest first:
        a page, the next one being after the last id (an import may have millions)."""


@runtime_checkable  # the web framework checks injected values against it
class UnitOfWork(Protocol):
    """One transaction over the repositories: a change and its history entry land together.

    `async with uow:` opens it; leaving the block without `commit()` rolls back.
    """

    products: ProductRepository
    inventory: InventoryRepository
    changes: ChangeRepository

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
    async def lock(self, product_id: int | None = None) -> None:
        """Keep every other writer off this product (off the whole store when None) until the
        unit of work ends, so that what a write checks still holds when it commits.

        A writing unit of work calls it once, before the reads its writes depend on (a write
        made without it holds the whole store from that write on). Readers never wait for it.
        """

    @abstractmethod
    async def commit(self) -> None:
        """Make every change durable; only then is it acknowledged."""

    @abstractmethod
    async def rollback(self) -> None:
        """Drop every change since the transaction began or last committed."""
