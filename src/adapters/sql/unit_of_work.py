"""A unit of work over SQL: one pooled connection and one transaction per `async with`."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql.inventory import SqlInventoryRepository
from adapters.sql.products import SqlProductRepository
from adapters.sql.transaction import StorageFailure, Transaction, unavailable
from domain.ports import UnitOfWork


class SqlUnitOfWork(UnitOfWork):
    """Begins on enter; commit() makes the changes durable; leaving rolls back the rest.

    On SQLite the sqlite3 driver runs in its default ("legacy") mode on purpose: reads before
    the first write see the latest commits, as under PostgreSQL's READ COMMITTED, and the first
    write opens the transaction and takes the database's write lock. A transaction that held a
    read snapshot before writing would instead fail with SQLITE_BUSY whenever another
    connection had committed meanwhile, which a busy timeout cannot wait out.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        try:
            connection = await self._engine.connect()
        except StorageFailure as error:
            raise unavailable(error) from error
        try:
            await connection.begin()
        except StorageFailure as error:
            await connection.close()
            raise unavailable(error) from error
        self._connection = connection
        transaction = Transaction(connection)
        self.products = SqlProductRepository(transaction)
        self.inventory = SqlInventoryRepository(transaction)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.close()  # rolls back what was not committed
        except StorageFailure as error:
            if exc is None:
                raise unavailable(error) from error
        if isinstance(exc, StorageFailure):  # anything the repositories did not translate
            raise unavailable(exc) from exc

    async def commit(self) -> None:
        try:
            await self._open().commit()
        except StorageFailure as error:
            raise unavailable(error) from error

    async def rollback(self) -> None:
        try:
            await self._open().rollback()
        except StorageFailure as error:
            raise unavailable(error) from error

    def _open(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._connection
