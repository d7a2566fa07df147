"""A unit of work over the in-memory index: one transaction at a time."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from adapters.memory.index import Index
from adapters.memory.repositories import (
    MemoryChangeRepository,
    MemoryInventoryRepository,
    MemoryProductRepository,
)
from domain.ports import UnitOfWork


class MemoryUnitOfWork(UnitOfWork):
    """Holds the store's lock for the whole transaction, so readers never see half a change."""

    def __init__(self, index: Index, lock: asyncio.Lock) -> None:
        self._index = index
        self._lock = lock
        self._held = False
        self.products = MemoryProductRepository(index)
        self.inventory = MemoryInventoryRepository(index, self._let_go)
        self.changes = MemoryChangeRepository(index)

    async def __aenter__(self) -> Self:
        await self._lock.acquire()
        self._held = True
        self._index.forget_undo()
        return self

    def _let_go(self) -> None:
        """Give the store back early: a read has copied what it reads. Only when this
        transaction changed nothing, so there is nothing left to roll back."""
        if self._held and self._index.untouched():
            self._held = False
            self._lock.release()

    async def lock(self, product_id: int | None = None) -> None:
        """Nothing more to take: the whole store is this transaction's from the start."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._held:
            return
        self._held = False
        try:
            await self.rollback()
        finally:
            self._lock.release()

    async def commit(self) -> None:
        self._index.forget_undo()

    async def rollback(self) -> None:
        self._index.undo()


class MemoryStorage:
    """`memory://`: everything in this process, gone when it stops."""

    kind = "memory"

    def __init__(self) -> None:
        self._index = Index()
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        """Nothing to open."""

    async def close(self) -> None:
        """Nothing to close."""

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self._index, self._lock)

    async def write_blocker(self) -> str | None:
        """No other process shares this store."""
        return None

    def migrate(self) -> None:
        """Nothing to migrate: the store has no schema."""
