"""A unit of work over the CSV store: the store's locks held, the index changed in place."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import TYPE_CHECKING, Self

from adapters.memory.repositories import (
    MemoryChangeRepository,
    MemoryInventoryRepository,
    MemoryProductRepository,
)
from domain.ports import UnitOfWork

if TYPE_CHECKING:
    from adapters.csv_file.storage import CsvStorage


class CsvUnitOfWork(UnitOfWork):
    """Holds the store's locks for the transaction; changes the index in place."""

    def __init__(self, storage: CsvStorage) -> None:
        self._storage = storage
        self._held = False

    async def __aenter__(self) -> Self:
        await self._storage.acquire()
        self._held = True
        self.products = MemoryProductRepository(self._storage.index)
        self.inventory = MemoryInventoryRepository(self._storage.index, self._let_go)
        self.changes = MemoryChangeRepository(self._storage.index)
        return self

    def _let_go(self) -> None:
        """Give the locks back early: a read has copied what it reads (when this
        transaction changed nothing, so there is nothing left to roll back)."""
        if self._held and self._storage.index.untouched():
            self._held = False
            self._storage.release()

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
            self._storage.release()

    async def commit(self) -> None:
        """Make the changes durable. The files are written in threads, which a cancel (the
        shutdown grace running out) cannot stop: so a cancel waits for them to end, keeping
        the locks meanwhile, and a commit they made durable stands and is answered as done."""
        persisting = asyncio.ensure_future(self._storage.persist())
        try:
            await asyncio.shield(persisting)
        except asyncio.CancelledError:
            await asyncio.wait([persisting])
            if persisting.cancelled() or persisting.exception() is not None:
                await self.rollback()
                raise
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        except BaseException:
            await self.rollback()
            raise
        self._storage.index.forget_undo()

    async def rollback(self) -> None:
        self._storage.index.undo()
