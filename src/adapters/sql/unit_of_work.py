"""A unit of work over SQL: one pooled connection and one transaction per `async with`."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from adapters.sql.changes import SqlChangeRepository
from adapters.sql.errors import StorageFailure, unavailable
from adapters.sql.inventory import SqlInventoryRepository
from adapters.sql.products import SqlProductRepository
from adapters.sql.transaction import Transaction
from domain.ports import UnitOfWork


class SqlUnitOfWork(UnitOfWork):
    """Begins with its first statement; commit() makes the changes durable; leaving rolls back
    the rest.

    On SQLite the sqlite3 driver runs in its default ("legacy") mode on purpose: reads before
    the first write see the latest commits, as under PostgreSQL's READ COMMITTED, and the first
    write opens the transaction and takes the database's write lock. A transaction that held a
    read snapshot before writing would instead fail with SQLITE_BUSY whenever another
    connection had committed meanwhile, which a busy timeout cannot wait out.
    """

    def __init__(self, begin: Callable[[], Transaction]) -> None:
        self._begin = begin  # the storage's: its engine, dialect and reader
        self._tx: Transaction | None = None

    async def __aenter__(self) -> Self:
        # The connection is taken from the pool by the first statement that needs it.
        self._tx = self._begin()
        self.products = SqlProductRepository(self._tx)
        self.inventory = SqlInventoryRepository(self._tx)
        self.changes = SqlChangeRepository(self._tx)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        transaction, self._tx = self._tx, None
        if transaction is None:
            return
        try:
            await transaction.close()  # rolls back what was not committed
        except StorageFailure as error:
            if exc is None:
                raise unavailable(error) from error
        if isinstance(exc, StorageFailure):  # anything the repositories did not translate
            raise unavailable(exc) from exc

    async def lock(self, product_id: int | None = None) -> None:
        await self._open().lock(product_id)

    async def commit(self) -> None:
        await self._open().end(commit=True)

    async def rollback(self) -> None:
        await self._open().end(commit=False)

    def _open(self) -> Transaction:
        if self._tx is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._tx
