"""The connection of one unit of work, with the database's errors turned into domain ones."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from adapters.sql.dialect import Dialect, Rows
from adapters.sql.errors import (
    DriverFailure,
    StorageFailure,
    busy,
    is_busy,
    is_timeout,
    unavailable,
)
from adapters.uncancellable import run_to_end

Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]]
WRITE_WAIT_S = 5.0  # as long as SQLite's busy_timeout: the wait for another writer
Reader = Callable[[str, Sequence[Any]], Awaitable[Sequence[Any]]]
"""Runs a small read outside any unit of work's connection (see SqlStorage)."""
# A transaction that wrote this many rows in bulk has the dialect refresh the table statistics
# once committed: PostgreSQL plans from them (bench/results/design-timings.md).
ANALYZE_FROM = 10_000


class Transaction:
    """Runs statements on the unit of work's connection, taken from the pool when first needed.

    Small reads run on the storage's `reader` when it gives one, until the transaction's
    first write: they see what the connection would see then (the latest commits: before its
    first write the connection holds no snapshot of its own, and once it holds the lock no
    other writer of what it reads can commit). A unit of work that only reads small things
    never takes a connection at all.

    A writer locks before it reads what it will check (see `lock`), or at its first write;
    how, and how the transaction begins and ends, is the dialect's.
    """

    def __init__(self, engine: AsyncEngine, dialect: Dialect, reader: Reader | None = None) -> None:
        self._engine = engine
        self.dialect = dialect
        self._reader = reader
        self._locked = False  # holds the lock a writer takes (see `lock`)
        self._locked_product: int | None = None  # ... for this product; None: the whole store
        self._bulk_rows = 0  # written by bulk statements, since the last commit
        self._wrote = False  # its reads must see its own writes, on its connection
        self.begun = False  # the dialect sent BEGIN itself, around SQLAlchemy: it ends it
        self._connection: AsyncConnection | None = None

    async def connection(self) -> AsyncConnection:
        """The unit of work's connection, in a transaction begun on first use."""
        if self._connection is not None:
            return self._connection
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
        return connection

    async def end(self, commit: bool) -> None:
        """Commit, or roll back, what the connection did (nothing when it was never taken)."""
        if self._connection is None:
            return
        self._locked = False
        bulk_rows, self._bulk_rows = self._bulk_rows, 0
        try:
            await self.dialect.end(self, commit)
            await (self._connection.commit() if commit else self._connection.rollback())
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error
        finally:
            self.dialect.released(self)
        if commit and bulk_rows >= ANALYZE_FROM:
            await self.dialect.refresh_statistics(self._connection)

    def wrote(self, rows: int) -> None:
        """Count rows a bulk statement wrote (see ANALYZE_FROM)."""
        self._bulk_rows += rows

    async def close(self) -> None:
        """Give the connection back to the pool, rolling back what was not committed (the pool
        does not: a reset after each commit costs a round trip), to the end even if the caller
        is cancelled: else the connection could go back to the pool inside its transaction."""
        await run_to_end(self._close())

    async def _close(self) -> None:
        try:
            if self._connection is not None and await self.dialect.in_transaction(self):
                try:
                    await self.dialect.roll_back(self)
                except (*DriverFailure, *StorageFailure):
                    await self._connection.invalidate()  # a broken one never goes back
        finally:
            self.begun = False
            connection, self._connection = self._connection, None
            try:
                if connection is not None:
                    await connection.close()
            finally:
                self.dialect.released(self)

    async def driver(self) -> Any:
        """The driver's connection (aiosqlite's or asyncpg's) under `connection`."""
        return (await (await self.connection()).get_raw_connection()).driver_connection

    async def lock(self, product_id: int | None) -> None:
        """Keep other writers off the product (the store when None) until the transaction
        ends; a second call is one already granted, or a mistake."""
        if self._locked:
            if self._locked_product is None or self._locked_product == product_id:
                return
            raise RuntimeError("a unit of work locks once, before it reads what it checks")
        try:
            await self.dialect.lock(self, product_id, WRITE_WAIT_S)
        except (*DriverFailure, *StorageFailure) as error:
            raise (busy(WRITE_WAIT_S) if is_busy(error) else unavailable(error)) from error
        self._locked, self._locked_product = True, product_id

    async def begin(self) -> None:
        """A transaction for a read that needs one (a cursor keeps its statement's snapshot)."""
        await self.dialect.begin_reading(self)

    async def before_write(self) -> None:
        """A write that did not lock first locks the whole store."""
        if not self._locked:
            await self.lock(None)

    async def execute(
        self, statement: Executable, parameters: Parameters | None = None
    ) -> CursorResult[Any]:
        """Run a statement; an IntegrityError stays for the repository to explain."""
        if statement.is_dml:
            await self.before_write()
            self._wrote = True
        try:
            connection = await self.connection()
            return await connection.execute(statement, parameters)
        except IntegrityError:
            raise
        except StorageFailure as error:
            raise unavailable(error) from error

    async def rows(self, sql: str, parameters: Sequence[Any], small: bool = True) -> Rows:
        """The rows of a read, straight from the driver.

        For the hot read paths: a statement written in the dialect's own SQL skips
        SQLAlchemy's statement objects and row wrapping. A `small` read (a few products' rows
        at most) before the transaction's first write runs on the reader when there is one;
        the rest in this unit of work's connection.
        """
        if small and self._reader is not None and not self._wrote:
            try:
                return await self._reader(sql, parameters)
            except DriverFailure as error:
                if is_timeout(error):
                    raise unavailable(error) from error
                # busy, another thread, a lost connection: try the unit of work's own
        try:
            return await self.dialect.fetch(await self.driver(), sql, parameters)
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error

    async def write_rows(self, sql: str, rows: Rows) -> None:
        """Run one statement for many rows straight through the driver (bulk writes), in one
        round trip. A refusal (a constraint) is raised as SQLAlchemy's IntegrityError, like
        execute's."""
        async with self._driver(sql) as driver:
            await self.dialect.run_many(driver, sql, rows)

    async def write(self, sql: str, parameters: Sequence[Any]) -> int:
        """Run one statement straight through the driver, one round trip; the rows it changed.
        A refusal is raised as in `write_rows`."""
        async with self._driver(sql) as driver:
            return await self.dialect.run(driver, sql, parameters)

    async def write_returning(self, sql: str, parameters: Sequence[Any]) -> Rows:
        """As `write`, with the rows its RETURNING gives."""
        async with self._driver(sql) as driver:
            return await self.dialect.fetch(driver, sql, parameters)

    @asynccontextmanager
    async def _driver(self, sql: str) -> AsyncIterator[Any]:
        """This unit of work's driver connection (aiosqlite's or asyncpg's) for a write,
        inside its transaction: the lock, taken first, begins it."""
        await self.before_write()
        self._wrote = True
        try:
            yield await self.driver()
        except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError) as error:
            raise IntegrityError(sql, None, error) from error
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error

    def refusable(self) -> AbstractAsyncContextManager[None]:
        """Around a statement the database may refuse, so that the transaction goes on after."""
        return self.dialect.refusable(self)
