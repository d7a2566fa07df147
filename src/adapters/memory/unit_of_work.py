"""The unit of work of the stores that keep everything in the index: memory and CSV."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

from adapters.memory.index import Index
from adapters.memory.repositories import (
    MemoryChangeRepository,
    MemoryInventoryRepository,
    MemoryProductRepository,
)
from domain.ports import UnitOfWork


class IndexUnitOfWork(UnitOfWork):
    """Holds the store's locks for the whole transaction, so readers never see half a change,
    and changes the index in place; a rollback undoes it from the index's undo log.

    The store gives its locks (`acquire`, `release`), the index once they are held (the CSV
    store may load a new one from the disk then), and how a commit is made durable
    (`persist`; none in memory).
    """

    def __init__(
        self,
        index: Callable[[], Index],
        acquire: Callable[[], Awaitable[object]],
        release: Callable[[], None],
        persist: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._index, self._acquire, self._release, self._persist = index, acquire, release, persist
        self._held = False

    async def __aenter__(self) -> Self:
        await self._acquire()
        self._held = True
        index = self._index()
        index.forget_undo()
        self.products = MemoryProductRepository(index)
        self.inventory = MemoryInventoryRepository(index, self._let_go)
        self.changes = MemoryChangeRepository(index)
        return self

    def _let_go(self) -> None:
        """Give the locks back early: a read has copied what it reads. Only when this
        transaction changed nothing, so there is nothing left to roll back."""
        if self._held and self._index().untouched():
            self._held = False
            self._release()

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
            self._release()

    async def commit(self) -> None:
        """Make the changes durable. The files are written in threads, which a cancel (the
        shutdown grace running out) cannot stop: so a cancel waits for them to end, keeping
        the locks meanwhile, and a commit they made durable stands and is answered as done."""
        if not self._held:  # a read gave the locks back early: it had changed nothing
            raise RuntimeError("a unit of work that gave its locks back early cannot commit")
        if self._persist is not None:
            persisting = asyncio.ensure_future(self._persist())
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
        self._index().forget_undo()

    async def rollback(self) -> None:
        self._index().undo()


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

    def unit_of_work(self) -> IndexUnitOfWork:
        return IndexUnitOfWork(lambda: self._index, self._lock.acquire, self._lock.release)

    async def write_blocker(self) -> str | None:
        """No other process shares this store."""
        return None

    def migrate(self) -> None:
        """Nothing to migrate: the store has no schema."""
