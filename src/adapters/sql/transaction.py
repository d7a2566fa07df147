"""The connection of one unit of work, with the database's errors turned into domain ones."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from adapters.sql.errors import (
    DriverFailure,
    StorageFailure,
    busy,
    is_busy,
    is_timeout,
    reason,
    unavailable,
)
from adapters.uncancellable import run_to_end

Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]]
WRITE_WAIT_S = 5.0  # as long as SQLite's busy_timeout: the wait for another writer
Reader = Callable[[str, Sequence[Any]], Awaitable[Sequence[Any]]]
"""Runs a small read outside any unit of work's connection (see SqlStorage)."""
# PostgreSQL: writers of one product take its advisory lock (the bigint key space) and the
# store's in shared mode; a writer of the whole store takes the store's alone (two int keys,
# a space of its own). Transaction-scoped: the commit or rollback gives them back.
STORE_LOCK_KEYS = "1937009772, 0"  # 'stkl'
# PostgreSQL plans from table statistics, which a bulk write leaves stale until autovacuum
# comes by (and never where it is off): right after an import of 100,000 products, reading 20
# products' history took 35 ms, scanning every product, instead of 0.3 ms. So a transaction
# that wrote this many rows in bulk refreshes them once committed (0.2 s after 1.1M records).
ANALYZE_FROM = 10_000
ANALYZE_POSTGRESQL = "ANALYZE products, inventory_records, changes"
logger = logging.getLogger(__name__)


class Transaction:
    """Runs statements on the unit of work's connection, taken from the pool when first needed.

    Small reads run on the storage's `reader` when it gives one, until the transaction's
    first write: they see what the connection would see then (the latest commits: before its
    first write the connection holds no snapshot of its own, and once it holds the lock no
    other writer of what it reads can commit). A unit of work that only reads small things
    never takes a connection at all.

    A writer locks before it reads what it will check (see `lock`), or at its first write.
    SQLite lets one writer at a time hold the database: `BEGIN IMMEDIATE` takes it. With a
    `write_lock` (the process's own, for that database) a transaction takes that first and
    gives it back when it ends, so the process's writers queue for each other: a writer that
    found the database busy would instead sleep in SQLite's busy handler, in steps of up to
    100 ms, long after the lock was free. Other processes' writers still wait through the
    busy timeout. PostgreSQL takes advisory locks: a product's, or the whole store's.

    PostgreSQL's connections are in autocommit as far as SQLAlchemy and asyncpg know: the
    transaction sends BEGIN itself, in one round trip with its locks, and its COMMIT or
    ROLLBACK. SQLAlchemy's adapter would send BEGIN on a trip of its own, before the first
    statement it runs. A unit of work that only reads sends neither (a cursor: see `begin`):
    under READ COMMITTED each statement sees the latest commits, in a transaction or not.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        reader: Reader | None = None,
        write_lock: asyncio.Lock | None = None,
    ) -> None:
        self._engine = engine
        self._reader = reader
        self._write_lock = write_lock
        self._writing = False  # holds the write lock
        self._locked = False  # holds the lock a writer takes (see `lock`)
        self._locked_product: int | None = None  # ... for this product; None: the whole store
        self._bulk_rows = 0  # written by bulk statements, since the last commit
        self._wrote = False  # its reads must see its own writes, on its connection
        self._begun = False  # PostgreSQL: this transaction sent its BEGIN (see `lock`)
        self._connection: AsyncConnection | None = None
        self.is_postgresql = engine.dialect.name == "postgresql"

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
            if self._begun:
                await self._send("COMMIT" if commit else "ROLLBACK")
                self._begun = False  # only once sent: else `close` rolls back
            await (self._connection.commit() if commit else self._connection.rollback())
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error
        finally:
            self._done_writing()
        if commit and self.is_postgresql and bulk_rows >= ANALYZE_FROM:
            await self._refresh_statistics()

    def wrote(self, rows: int) -> None:
        """Count rows a bulk statement wrote (see ANALYZE_FROM)."""
        self._bulk_rows += rows

    async def _refresh_statistics(self) -> None:
        """ANALYZE, at best effort: what it follows is committed already."""
        assert self._connection is not None
        try:
            await self._connection.exec_driver_sql(ANALYZE_POSTGRESQL)
            await self._connection.commit()
        except StorageFailure as error:
            logger.warning("could not refresh the table statistics: %s", reason(error))

    async def close(self) -> None:
        """Give the connection back to the pool, rolling back what was not committed (the pool
        does not: a reset after each commit costs a round trip), to the end even if the caller
        is cancelled: else the connection could go back to the pool inside its transaction."""
        await run_to_end(self._close())

    async def _close(self) -> None:
        try:
            if self._connection is not None and await self._in_transaction():
                try:
                    if self.is_postgresql:
                        await self._send("ROLLBACK")
                    else:  # the driver's: SQLAlchemy's knows nothing after a failed COMMIT
                        await (await self.driver()).rollback()
                except (*DriverFailure, *StorageFailure):
                    await self._connection.invalidate()  # a broken one never goes back
        finally:
            self._begun = False
            connection, self._connection = self._connection, None
            try:
                if connection is not None:
                    await connection.close()
            finally:
                self._done_writing()

    async def _in_transaction(self) -> bool:
        if self.is_postgresql:
            return self._begun
        return bool((await self.driver()).in_transaction)  # sqlite3's own flag, no trip

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
            if self.is_postgresql:
                begin = "" if self._begun else "BEGIN; "
                self._begun = True  # even if the lock fails: its error leaves BEGIN open
                await self._send(f"{begin}{_advisory_locks(product_id)}")
            else:
                await self._queue_for_writing()
                await (await self.connection()).exec_driver_sql("BEGIN IMMEDIATE")
        except (*DriverFailure, *StorageFailure) as error:
            raise (busy(WRITE_WAIT_S) if is_busy(error) else unavailable(error)) from error
        self._locked, self._locked_product = True, product_id

    async def begin(self) -> None:
        """PostgreSQL: a transaction for a read that needs one (a cursor keeps its statement's
        snapshot in it); SQLite's statements keep theirs on their own."""
        if self.is_postgresql and not self._begun:
            self._begun = True
            await self._send("BEGIN")

    async def _send(self, sql: str) -> None:
        """PostgreSQL: statements without parameters, in one round trip (asyncpg's simple
        query protocol), around SQLAlchemy, which would prepare them first."""
        await (await self.driver()).execute(sql)

    async def _before_write(self) -> None:
        """A write that did not lock first locks the whole store."""
        if not self._locked:
            await self.lock(None)

    async def _queue_for_writing(self) -> None:
        """Queue for the process's write lock, once per transaction (SQLite only)."""
        if self._write_lock is None or self._writing:
            return
        try:
            async with asyncio.timeout(WRITE_WAIT_S):
                await self._write_lock.acquire()
        except TimeoutError:
            raise busy(WRITE_WAIT_S) from None
        self._writing = True

    def _done_writing(self) -> None:
        if self._writing:
            self._writing = False
            assert self._write_lock is not None
            self._write_lock.release()

    async def execute(
        self, statement: Executable, parameters: Parameters | None = None
    ) -> CursorResult[Any]:
        """Run a statement; an IntegrityError stays for the repository to explain."""
        if statement.is_dml:
            await self._before_write()
            self._wrote = True
        try:
            connection = await self.connection()
            return await connection.execute(statement, parameters)
        except IntegrityError:
            raise
        except StorageFailure as error:
            raise unavailable(error) from error

    async def rows(
        self, sql: str, parameters: Sequence[Any], small: bool = True
    ) -> Sequence[Sequence[Any]]:
        """The rows of a read, straight from the driver.

        For the hot read paths: a statement written in the dialect's own SQL (`?` for
        SQLite, `$1` for PostgreSQL) skips SQLAlchemy's statement objects and row wrapping.
        A `small` read (a few products' rows at most) before the transaction's first write
        runs on the reader when there is one; the rest in this unit of work's connection.
        """
        if small and self._reader is not None and not self._wrote:
            try:
                return await self._reader(sql, parameters)
            except DriverFailure as error:
                if is_timeout(error):
                    raise unavailable(error) from error
                # busy, another thread, a lost connection: try the unit of work's own
        try:
            driver = await self.driver()
            if self.is_postgresql:
                return await driver.fetch(sql, *parameters)  # type: ignore[no-any-return]
            return list(await driver.execute_fetchall(sql, parameters))
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error

    async def write_rows(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows straight through the driver (bulk writes).

        SQLite runs `sql` once per row (executemany, one trip to aiosqlite's thread);
        PostgreSQL runs it once, with one array per column as $1, $2, ... (for `unnest`).
        A refusal (a constraint) is raised as SQLAlchemy's IntegrityError, like execute's.
        """
        async with self._driver(sql) as driver:
            if self.is_postgresql:
                await driver.execute(sql, *(list(column) for column in zip(*rows, strict=True)))
            else:
                await driver.executemany(sql, rows)

    async def write(self, sql: str, parameters: Sequence[Any]) -> int:
        """Run one statement straight through the driver, one round trip; the rows it changed.
        A refusal is raised as in `write_rows`."""
        async with self._driver(sql) as driver:
            if self.is_postgresql:
                status = await driver.execute(sql, *parameters)  # e.g. "UPDATE 1"
                count = status.rsplit(" ", 1)[-1]
                return int(count) if count.isdigit() else 0
            return (await driver.execute(sql, parameters)).rowcount  # type: ignore[no-any-return]

    async def write_returning(self, sql: str, parameters: Sequence[Any]) -> Sequence[Any]:
        """As `write`, with the rows its RETURNING gives."""
        async with self._driver(sql) as driver:
            if self.is_postgresql:
                return await driver.fetch(sql, *parameters)  # type: ignore[no-any-return]
            return list(await driver.execute_fetchall(sql, parameters))

    @asynccontextmanager
    async def _driver(self, sql: str) -> AsyncIterator[Any]:
        """This unit of work's driver connection (aiosqlite's or asyncpg's) for a write,
        inside its transaction: the lock, taken first, begins it."""
        await self._before_write()
        self._wrote = True
        try:
            yield await self.driver()
        except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError) as error:
            raise IntegrityError(sql, None, error) from error
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error

    def insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which knows ON CONFLICT."""
        return postgresql.insert(table) if self.is_postgresql else sqlite.insert(table)

    @asynccontextmanager
    async def refusable(self) -> AsyncIterator[None]:
        """Around a statement the database may refuse, so that the transaction goes on after.

        PostgreSQL aborts the whole transaction on an error, so the statement runs in a
        savepoint. SQLite undoes only the failed statement, and in the sqlite3 driver's legacy
        mode a SAVEPOINT opened before the first write would commit on its own: none there.
        """
        if not self.is_postgresql:
            yield
            return
        await self._before_write()  # a SAVEPOINT outside BEGIN is an error
        try:
            savepoint = await (await self.connection()).begin_nested()
        except StorageFailure as error:
            raise unavailable(error) from error
        async with savepoint:
            yield


def _advisory_locks(product_id: int | None) -> str:
    """The statement taking PostgreSQL's locks for a writer; it waits at most the session's
    lock_timeout (the storage sets it to WRITE_WAIT_S)."""
    if product_id is None:
        return f"SELECT pg_advisory_xact_lock({STORE_LOCK_KEYS})"
    return (
        f"SELECT pg_advisory_xact_lock_shared({STORE_LOCK_KEYS}), "
        f"pg_advisory_xact_lock({int(product_id)})"
    )
