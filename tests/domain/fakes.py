"""Hand-written fakes of the ports: the smallest stores that keep their contracts."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import AsyncGenerator, Sequence
from types import TracebackType
from typing import Self

from domain.changes import Change, ChangeQuery, LevelChange, Origin
from domain.errors import DuplicateProduct
from domain.model import HistoryRow, InventoryRecord, Page, Product, ProductSummary, name_key
from domain.ports import ChangeRepository, InventoryRepository, ProductRepository, UnitOfWork

Levels = dict[tuple[int, dt.date], int]


class LockWatch:
    """The rule every writer keeps: lock what you change, before reading what you check.

    The reads of products and records note whether they came before the lock; a commit that
    changed anything fails unless the lock came first and covers every product changed.
    """

    def __init__(self) -> None:
        self.locked = False
        self.product_id: int | None = None  # None: the whole store
        self.read_before_lock = False

    def read(self) -> None:
        self.read_before_lock |= not self.locked

    def lock(self, product_id: int | None) -> None:
        assert not self.locked, "a unit of work locks once"
        self.locked, self.product_id = True, product_id

    def check(self, changed: set[int]) -> None:
        if not changed:
            return
        assert self.locked, f"products {sorted(changed)} changed without a lock"
        assert not self.read_before_lock, "a writer read products or records before its lock"
        if self.product_id is not None:
            assert changed <= {self.product_id}, (
                f"products {sorted(changed)} changed under the lock of {self.product_id} only"
            )


class FakeProducts(ProductRepository):
    def __init__(self, products: dict[int, Product], levels: Levels, watch: LockWatch) -> None:
        self.products, self.levels, self.watch = products, levels, watch

    async def get(self, product_id: int) -> Product | None:
        self.watch.read()
        return self.products.get(product_id)

    async def many(self, product_ids: Sequence[int]) -> list[Product]:
        self.watch.read()
        return [self.products[pid] for pid in sorted(set(product_ids) & set(self.products))]

    async def summary(self, product_id: int) -> ProductSummary | None:
        self.watch.read()
        if product_id not in self.products:
            return None
        dates = sorted(date for pid, date in self.levels if pid == product_id)
        latest = (
            InventoryRecord(product_id, dates[-1], self.levels[product_id, dates[-1]])
            if dates
            else None
        )
        return ProductSummary(self.products[product_id], len(dates), latest)

    async def all(self) -> list[Product]:
        self.watch.read()
        return [product for _, product in sorted(self.products.items())]

    async def search(self, text: str | None, limit: int, offset: int) -> Page:
        found = [p for p in await self.all() if text is None or text.lower() in p.name.lower()]
        items = [await self.summary(p.id) for p in found[offset : offset + limit]]
        return Page([item for item in items if item], len(found))

    async def next_id(self) -> int:
        self.watch.read()
        return max(self.products, default=0) + 1

    async def add(self, product: Product) -> None:
        if product.id in self.products:
            raise DuplicateProduct.by_id(product.id)
        await self.update(product)

    async def add_many(self, products: Sequence[Product]) -> None:
        for product in products:
            await self.add(product)

    async def update(self, product: Product) -> None:
        for pid, other in self.products.items():
            if pid != product.id and name_key(other.name) == name_key(product.name):
                raise DuplicateProduct.by_name(product.name, pid)
        self.products[product.id] = product

    async def remove(self, product_id: int) -> None:
        del self.products[product_id]
        for key in [key for key in self.levels if key[0] == product_id]:
            del self.levels[key]

    async def remove_all(self) -> None:
        self.products.clear()
        self.levels.clear()


class FakeInventory(InventoryRepository):
    def __init__(self, products: dict[int, Product], levels: Levels, watch: LockWatch) -> None:
        self.products, self.levels, self.watch = products, levels, watch
        self.changes: ChangeRepository | None = None

    async def get(self, product_id: int, date: dt.date) -> InventoryRecord | None:
        self.watch.read()
        level = self.levels.get((product_id, date))
        return None if level is None else InventoryRecord(product_id, date, level)

    async def history(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> list[HistoryRow]:
        self.watch.read()
        return [
            HistoryRow(pid, self.products[pid].name, date, level)
            for (pid, date), level in sorted(self.levels.items())
            if (product_ids is None or pid in product_ids)
            and (start is None or date >= start)
            and (end is None or date <= end)
        ]

    async def history_slices(
        self, product_ids: Sequence[int], start: dt.date | None, end: dt.date | None, rows: int
    ) -> AsyncGenerator[list[HistoryRow], None]:
        snapshot = await self.history(product_ids, start, end)  # taken now, sliced later
        return _slices(snapshot, rows)

    async def put(self, record: InventoryRecord) -> bool:
        key = (record.product_id, record.date)
        created = key not in self.levels
        self.levels[key] = record.level
        return created

    async def put_many(
        self,
        records: Sequence[tuple[int, dt.date, int]],
        origin: Origin,
        undoes: Sequence[int] | None = None,
    ) -> int:
        """Writes, then tells the history (the unit of work's changes) what it replaced."""
        entries = []
        for index, (product_id, date, level) in enumerate(records):
            entries.append(
                (
                    product_id,
                    date,
                    self.levels.get((product_id, date)),
                    level,
                    None if undoes is None else undoes[index],
                )
            )
            await self.put(InventoryRecord(product_id, date, level))
        assert self.changes is not None, "the unit of work links its history"
        return await self.changes.record(origin, entries)

    async def remove(self, product_id: int, date: dt.date) -> bool:
        return self.levels.pop((product_id, date), None) is not None

    async def remove_many(self, keys: Sequence[tuple[int, dt.date]]) -> None:
        for key in keys:
            self.levels.pop(key, None)


class FakeChanges(ChangeRepository):
    """A plain list: id n is entry n - 1."""

    def __init__(self, entries: list[Change]) -> None:
        self.entries = entries

    async def record(self, origin: Origin, changes: Sequence[LevelChange]) -> int:
        for change in changes:
            self.entries.append(Change(len(self.entries) + 1, *change, origin))
        return len(self.entries)

    async def get(self, change_id: int) -> Change | None:
        return self.entries[change_id - 1] if 0 < change_id <= len(self.entries) else None

    async def find(self, query: ChangeQuery) -> list[Change]:
        return [entry for entry in reversed(self.entries) if query.matches(entry)][: query.limit]

    async def of_import(self, import_id: str, after: int, limit: int) -> list[Change]:
        return [
            entry
            for entry in self.entries
            if entry.origin.import_id == import_id
            and entry.origin.cause == "import"
            and entry.id > after
        ][:limit]


class FakeUnitOfWork(UnitOfWork):
    """Works on copies; commit publishes them. `commits` counts how often it was called."""

    def __init__(self) -> None:
        self.committed_products: dict[int, Product] = {}
        self.committed_levels: Levels = {}
        self.committed_changes: list[Change] = []
        self.commits = 0

    async def __aenter__(self) -> Self:
        products, levels = copy.copy(self.committed_products), copy.copy(self.committed_levels)
        self.watch = LockWatch()
        self.products = FakeProducts(products, levels, self.watch)
        self.inventory = FakeInventory(products, levels, self.watch)
        self.changes = FakeChanges(list(self.committed_changes))
        self.inventory.changes = self.changes
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def lock(self, product_id: int | None = None) -> None:
        self.watch.lock(product_id)

    async def commit(self) -> None:
        self.watch.check(self._changed_products())
        self.committed_products = dict(self.products.products)
        self.committed_levels = dict(self.products.levels)
        self.committed_changes = list(self.changes.entries)
        self.commits += 1

    def _changed_products(self) -> set[int]:
        products, levels = self.products.products, self.products.levels
        names = set(products.items()) ^ set(self.committed_products.items())
        records = set(levels.items()) ^ set(self.committed_levels.items())
        return {pid for pid, _ in names} | {pid for (pid, _), _ in records}

    async def rollback(self) -> None:
        """Dropping the copies is the rollback; the next enter starts from the committed state."""


async def _slices(rows: list[HistoryRow], size: int) -> AsyncGenerator[list[HistoryRow], None]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
