"""The repositories over an in-memory Index."""

from __future__ import annotations

import asyncio
import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import AsyncGenerator, Callable, Sequence

from adapters.memory.index import Index
from domain.changes import Change, ChangeQuery, LevelChange, Origin
from domain.model import (
    HistoryRow,
    InventoryRecord,
    Page,
    Product,
    ProductSummary,
    RecordValues,
    name_key,
)
from domain.ports import ChangeRepository, InventoryRepository, ProductRepository


class MemoryProductRepository(ProductRepository):
    def __init__(self, index: Index) -> None:
        self._index = index

    # Products are immutable: the index's own objects are handed out, never copied.
    async def get(self, product_id: int) -> Product | None:
        return self._index.products.get(product_id)

    async def many(self, product_ids: Sequence[int]) -> list[Product]:
        products = self._index.products
        return [products[pid] for pid in sorted(set(product_ids)) if pid in products]

    async def summary(self, product_id: int) -> ProductSummary | None:
        if product_id not in self._index.products:
            return None
        return self._summary(product_id)

    async def all(self) -> list[Product]:
        return [product for _, product in sorted(self._index.products.items())]

    async def search(self, text: str | None, limit: int, offset: int) -> Page:
        ids = sorted(self._index.products)
        if text is not None:
            key = name_key(text)
            exact = int(text) if text.isascii() and text.isdigit() else None
            products = self._index.products
            ids = [pid for pid in ids if pid == exact or key in name_key(products[pid].name)]
        chosen = ids[offset : offset + limit]
        return Page([self._summary(pid) for pid in chosen], len(ids))

    async def next_id(self) -> int:
        return max(self._index.products, default=0) + 1

    async def add(self, product: Product) -> None:
        self._index.add_product(product)

    async def add_many(self, products: Sequence[Product]) -> None:
        for product in products:
            self._index.add_product(product)

    async def update(self, product: Product) -> None:
        self._index.update_product(product)

    async def remove(self, product_id: int) -> None:
        self._index.remove_product(product_id)

    async def remove_all(self) -> None:
        self._index.remove_all()

    def _summary(self, product_id: int) -> ProductSummary:
        levels = self._index.levels[product_id]
        latest = None
        if levels:
            date = max(levels)
            latest = InventoryRecord(product_id, date, levels[date])
        return ProductSummary(self._index.products[product_id], len(levels), latest)


Snapshot = list[tuple[int, str, list[dt.date], list[int]]]
"""Products' records as (id, name, dates, levels): a copy of references, 16 bytes a record."""


class MemoryInventoryRepository(InventoryRepository):
    """`let_go`: the unit of work's, to give the store back once a read holds what it reads."""

    def __init__(self, index: Index, let_go: Callable[[], None] | None = None) -> None:
        self._index = index
        self._let_go = let_go

    async def get(self, product_id: int, date: dt.date) -> InventoryRecord | None:
        level = self._index.levels.get(product_id, {}).get(date)
        return None if level is None else InventoryRecord(product_id, date, level)

    async def history(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> list[HistoryRow]:
        rows: list[HistoryRow] = []
        for product_id, name, dates, levels in self._snapshot(product_ids, start, end):
            rows.extend(
                [HistoryRow(product_id, name, *pair) for pair in zip(dates, levels, strict=True)]
            )
        return rows

    async def history_slices(
        self, product_ids: Sequence[int], start: dt.date | None, end: dt.date | None, rows: int
    ) -> AsyncGenerator[list[HistoryRow], None]:
        # One snapshot per read: the references to its dates and levels, copied under the
        # store's lock (16 bytes a record, where the rows themselves take some 400). Then the
        # store is given back, so writers do not wait for a slow client; the rows are made a
        # slice at a time from the copy.
        snapshot = self._snapshot(product_ids, start, end)
        if self._let_go is not None:
            self._let_go()
        return _slices(snapshot, rows)

    def _snapshot(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> Snapshot:
        products, levels = self._index.products, self._index.levels
        wanted = sorted(products) if product_ids is None else sorted(set(product_ids))
        snapshot: Snapshot = []
        for product_id in wanted:
            if product_id not in products:
                continue
            by_date = levels[product_id]
            dates = sorted(by_date)
            if start is not None or end is not None:
                first = 0 if start is None else bisect_left(dates, start)
                dates = dates[first : len(dates) if end is None else bisect_right(dates, end)]
            name = products[product_id].name
            snapshot.append((product_id, name, dates, [by_date[d] for d in dates]))
        return snapshot

    async def put(self, record: InventoryRecord) -> bool:
        return self._index.put_level(record.product_id, record.date, record.level)

    async def put_many(
        self,
        records: Sequence[RecordValues],
        origin: Origin,
        undoes: Sequence[int] | None = None,
    ) -> int:
        levels = self._index.levels
        previous_levels = [
            levels[pid].get(date) if pid in levels else None for pid, date, _ in records
        ]
        self._index.put_levels(records)
        marks = undoes if undoes is not None else [None] * len(records)
        # Nothing here waits, so a loop of batches (an import's) would hold the event loop to
        # its end, health checks included: each batch gives it a turn.
        await asyncio.sleep(0)
        return self._index.changes.append(
            origin,
            [
                (pid, date, before, level, undone)
                for (pid, date, level), before, undone in zip(
                    records, previous_levels, marks, strict=True
                )
            ],
        )

    async def remove(self, product_id: int, date: dt.date) -> bool:
        return self._index.remove_level(product_id, date)

    async def remove_many(self, keys: Sequence[tuple[int, dt.date]]) -> None:
        for product_id, date in keys:
            if product_id in self._index.levels:
                self._index.remove_level(product_id, date)


class MemoryChangeRepository(ChangeRepository):
    def __init__(self, index: Index) -> None:
        self._index = index

    async def record(self, origin: Origin, changes: Sequence[LevelChange]) -> int:
        return self._index.changes.append(origin, changes)

    # Reads run off the event loop: a filter may scan millions of entries (seconds), a page
    # of an import holds 50,000, and the CSV store reads them from its file. The unit of work
    # holds the store, so no write changes the log meanwhile.

    async def get(self, change_id: int) -> Change | None:
        return await asyncio.to_thread(self._index.changes.get, change_id)

    async def find(self, query: ChangeQuery) -> list[Change]:
        return await asyncio.to_thread(self._index.changes.find, query)

    async def of_import(self, import_id: str, after: int, limit: int) -> list[Change]:
        return await asyncio.to_thread(self._index.changes.of_import, import_id, after, limit)


async def _slices(snapshot: Snapshot, rows: int) -> AsyncGenerator[list[HistoryRow], None]:
    batch: list[HistoryRow] = []
    for product_id, name, dates, levels in snapshot:
        for start in range(0, len(dates), rows):
            part = zip(dates[start : start + rows], levels[start : start + rows], strict=True)
            batch.extend(HistoryRow(product_id, name, date, level) for date, level in part)
            if len(batch) >= rows:
                yield batch[:rows]
                batch = batch[rows:]
    if batch:
        yield batch
