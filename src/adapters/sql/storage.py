"""`sqlite+aiosqlite:///path.db` and `postgresql+asyncpg://user@host/db`: the SQL store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sql.migrations import current_revision, head_revision, is_known_revision
from adapters.sql.transaction import StorageFailure, reason
from adapters.sql.unit_of_work import SqlUnitOfWork
from adapters.sql.urls import NotSqlStorage, create_sqlite_folder, database_url, shown
from domain.errors import StorageUnavailable

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000")
# A request waits at most 10 s for a free connection, then gets StorageUnavailable (a 503).
POOL = {"pool_size": 5, "max_overflow": 10, "pool_timeout": 10}
POSTGRES_CONNECT = {"timeout": 10, "server_settings": {"application_name": "stockline"}}


class SqlStorage:
    """Opens an engine whose schema is at the migrations' head, and hands out units of work."""

    def __init__(self, url: str) -> None:
        self.url = database_url(url)
        self.kind = self.url.get_backend_name()
        if self.kind == "sqlite" and self.url.database in (None, "", ":memory:"):
            raise NotSqlStorage(
                f"{shown(self.url)} names no file: SQLite needs one to migrate; "
                "for a store in memory use memory://"
            )
        self._engine: AsyncEngine | None = None

    async def open(self) -> None:
        """Connect and check the schema; StorageUnavailable says what to do when either fails."""
        if self._engine is not None:
            return
        create_sqlite_folder(self.url)
        engine = self._create_engine()
        try:
            await self._check_schema(engine)
        except BaseException:
            await engine.dispose()
            raise
        self._engine = engine

    async def close(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None:
            await engine.dispose()

    def unit_of_work(self) -> SqlUnitOfWork:
        if self._engine is None:
            raise StorageUnavailable(f"{shown(self.url)} is not open")
        return SqlUnitOfWork(self._engine)

    def _create_engine(self) -> AsyncEngine:
        if self.kind == "sqlite":
            engine = create_async_engine(self.url, **POOL)
            event.listen(engine.sync_engine, "connect", _set_pragmas)
            return engine
        # pre_ping: a server restart otherwise surfaces as one failed request per pooled connection
        return create_async_engine(
            self.url, pool_pre_ping=True, connect_args=POSTGRES_CONNECT, **POOL
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


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Per connection: foreign keys and the busy timeout are not stored in the database file.
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
