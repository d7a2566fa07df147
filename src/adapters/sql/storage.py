"""`sqlite+aiosqlite:///path.db` and `postgresql+asyncpg://user@host/db`: the SQL store."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sql.dialect import Dialect
from adapters.sql.errors import DriverFailure, StorageFailure, reason
from adapters.sql.migrations import current_revision, head_revision, is_known_revision, upgrade
from adapters.sql.postgres_dialect import PostgresDialect
from adapters.sql.sqlite_dialect import SqliteDialect
from adapters.sql.transaction import WRITE_WAIT_S, Transaction
from adapters.sql.unit_of_work import SqlUnitOfWork
from adapters.sql.urls import (
    NotSqlStorage,
    create_sqlite_folder,
    database_url,
    shown,
    sqlite_file,
)
from adapters.sql.write_probe import SqliteWriteProbe
from adapters.sql.write_queue import WriteQueue
from domain.errors import StorageUnavailable

# temp_store: the staging table a bulk history append goes through (10,000 rows at most)
# lives in memory, not in a temporary file: appending an import's entries is faster
# (bench/results/design-timings.md).
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA temp_store=MEMORY",
)
# A request waits at most 10 s for a free connection, then gets StorageUnavailable (a 503).
# No reset on return: a Transaction rolls back what it leaves open itself (see its close).
POOL = {"pool_size": 5, "max_overflow": 10, "pool_timeout": 10, "pool_reset_on_return": None}
# The reader (SQLite): a failed wait for the database falls back to the unit of work's own
# connection, off the event loop, so this wait is short.
READER_PRAGMAS = ("PRAGMA query_only=ON", "PRAGMA busy_timeout=50")
READERS = 5  # PostgreSQL connections for small reads, besides SQLAlchemy's pool
CONNECT_TIMEOUT_S = 10
# PostgreSQL: no statement waits longer than this for a lock (the writers' advisory locks
# included), so a table someone locked makes reads fail with a reason rather than hang for as
# long as the lock is held.
LOCK_TIMEOUT_MS = int(WRITE_WAIT_S * 1000)


class SqlStorage:
    """Opens an engine whose schema is at the migrations' head, and hands out units of work."""

    def __init__(self, url: str, statement_timeout: float = 0) -> None:
        """`statement_timeout`: on PostgreSQL, the seconds one statement may run (0: no bound)."""
        self.url = database_url(url)
        self._connect = _postgres_connect(statement_timeout)
        self.kind = self.url.get_backend_name()
        if self.kind == "sqlite" and self.url.database in (None, "", ":memory:"):
            raise NotSqlStorage(
                f"{shown(self.url)} names no file: SQLite needs one to migrate; "
                "for a store in memory use memory://"
            )
        self._engine: AsyncEngine | None = None
        self._reader: sqlite3.Connection | None = None
        self._readers: Any = None  # PostgreSQL: asyncpg's pool for the small reads
        self._write_probe: SqliteWriteProbe | None = None
        self._file_identity: tuple[int, int] | None = None  # SQLite: the file's device, inode
        # SQLite: this process's writers take turns; PostgreSQL locks products.
        self._write_queue = WriteQueue() if self.kind == "sqlite" else None
        self._dialect: Dialect = (
            SqliteDialect(self._write_queue) if self.kind == "sqlite" else PostgresDialect()
        )

    async def open(self) -> None:
        """Connect and check the schema; StorageUnavailable says what to do when either fails."""
        if self._engine is not None:
            return
        create_sqlite_folder(self.url)
        engine = self._create_engine()
        try:
            await self._check_schema(engine)
            self._readers = await self._open_readers()
        except BaseException:
            await engine.dispose()
            raise
        self._engine = engine
        self._reader = self._open_reader()
        path = sqlite_file(self.url)
        self._write_probe = SqliteWriteProbe(path) if path is not None else None
        self._file_identity = _identity(path) if path is not None else None

    async def close(self) -> None:
        engine, self._engine = self._engine, None
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        probe, self._write_probe = self._write_probe, None
        if probe is not None:
            probe.close()
        readers, self._readers = self._readers, None
        if readers is not None:
            await readers.close()
        if engine is not None:
            await engine.dispose()

    async def write_blocker(self) -> str | None:
        """SQLite: another connection holds the write lock (none of this process's writers,
        which hold or queue for the process's own lock first). PostgreSQL: None; a table lock
        that stops writers there stops the health read too, and the writers' advisory locks
        held by another server's import are the usual course of things."""
        if self._write_probe is None or (self._write_queue and self._write_queue.taken()):
            return None
        return self._write_probe.blocker()

    def migrate(self) -> str:
        """Apply the alembic migrations the database lacks (`stockline db upgrade`)."""
        return upgrade(self.url.render_as_string(hide_password=False))

    def unit_of_work(self) -> SqlUnitOfWork:
        if self._engine is None:
            raise StorageUnavailable(f"{shown(self.url)} is not open")
        if self._file_identity is not None:
            self._check_file()
        reader = self._read if self._reader else self._fetch if self._readers else None
        return SqlUnitOfWork(partial(Transaction, self._engine, self._dialect, reader))

    def _check_file(self) -> None:
        """SQLite's connections go on with a file deleted or replaced under them: reads of the
        old data, writes to a file nobody will find. One stat a transaction says so first."""
        path = sqlite_file(self.url)
        assert path is not None
        try:
            identity = _identity(path)
        except FileNotFoundError:
            identity = None
        if identity != self._file_identity:
            raise StorageUnavailable(
                f"{path} is gone or was replaced while the server ran; put it back, or restart "
                "the server to use the file there now"
            )

    def _open_reader(self) -> sqlite3.Connection | None:
        """SQLite: one plain connection for the small reads, run on the event loop's thread.

        A history of a few products takes about a millisecond in SQLite; through aiosqlite
        each statement is a trip to the connection's own thread and back, and under load
        the threads of a pool fight over the GIL. Autocommit, so that no read transaction
        stays open between reads and each read sees the latest commits.
        """
        path = sqlite_file(self.url)
        if path is None:
            return None
        reader = sqlite3.connect(path, isolation_level=None)
        for pragma in READER_PRAGMAS:
            reader.execute(pragma)
        return reader

    async def _read(self, sql: str, parameters: Sequence[Any]) -> list[Any]:
        assert self._reader is not None
        return self._reader.execute(sql, parameters).fetchall()  # at once: no await

    async def _open_readers(self) -> Any:
        """PostgreSQL: a small asyncpg pool of its own for the small reads.

        SQLAlchemy's checkout (with its liveness ping, a round trip) costs more than the
        read of a product's history. The pool skips asyncpg's reset on release too: its
        connections only ever run single SELECTs in autocommit.
        """
        if self.kind != "postgresql":
            return None
        dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            return await asyncpg.create_pool(
                dsn, min_size=1, max_size=READERS, reset=_no_reset, **self._connect
            )
        except (*DriverFailure, *StorageFailure) as error:
            raise StorageUnavailable(f"cannot open {shown(self.url)}: {reason(error)}") from None

    async def _fetch(self, sql: str, parameters: Sequence[Any]) -> Sequence[Any]:
        assert self._readers is not None
        return await self._readers.fetch(sql, *parameters)  # type: ignore[no-any-return]

    def _create_engine(self) -> AsyncEngine:
        if self.kind == "sqlite":
            engine = create_async_engine(self.url, **POOL)
            event.listen(engine.sync_engine, "connect", _set_pragmas)
            return engine
        # pre_ping: a server restart otherwise surfaces as one failed request per pooled
        # connection. AUTOCOMMIT: the transaction sends its own BEGIN (see Transaction), and
        # the ping is then one round trip, not three (BEGIN, ping, ROLLBACK).
        return create_async_engine(
            self.url,
            isolation_level="AUTOCOMMIT",
            pool_pre_ping=True,
            connect_args=self._connect,
            **POOL,
        )

    async def _check_schema(self, engine: AsyncEngine) -> None:
        try:
            async with engine.connect() as connection:
                current = await connection.run_sync(current_revision)
        except StorageFailure as error:
            raise StorageUnavailable(f"cannot open {shown(self.url)}: {reason(error)}") from None
        head = head_revision()
        if current == head:
            return
        if current is not None and not is_known_revision(current):
            raise StorageUnavailable(
                f"the database schema of {shown(self.url)} is at revision {current}, which this "
                f"version of Stockline does not know (its head is {head}); run a newer Stockline"
            )
        raise StorageUnavailable(
            f"the database schema of {shown(self.url)} is behind (at {current or 'none'}, "
            f"head is {head}); run `stockline db upgrade`"
        )


def _identity(path: Path) -> tuple[int, int]:
    found = os.stat(path)
    return found.st_dev, found.st_ino


def _postgres_connect(statement_timeout: float) -> dict[str, Any]:
    """asyncpg's connect arguments: the bounds are the session's, on every connection.

    A bound per statement, not per transaction: an import writes in statements of at most
    10,000 rows, each far below a bound meant to stop a stuck read (bench/results/timeouts.md).
    """
    settings = {"application_name": "stockline", "lock_timeout": str(LOCK_TIMEOUT_MS)}
    if statement_timeout > 0:
        settings["statement_timeout"] = str(max(1, round(statement_timeout * 1000)))
    return {"timeout": CONNECT_TIMEOUT_S, "server_settings": settings}


async def _no_reset(_connection: Any) -> None:
    """Nothing to reset: a reader's connection holds no state between its SELECTs."""


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Per connection: foreign keys and the busy timeout are not stored in the database file.
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
