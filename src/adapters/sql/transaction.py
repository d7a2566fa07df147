"""The connection of one unit of work, with the database's errors turned into domain ones."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from domain.errors import StorageUnavailable

Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]]
StorageFailure = (SQLAlchemyError, OSError)
"""What a driver or the pool raises when the database cannot serve (OSError: refused sockets)."""


def reason(error: BaseException) -> str:
    """What the driver said, on one line, without the SQL and parameters SQLAlchemy appends."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def unavailable(error: BaseException) -> StorageUnavailable:
    """The domain error for a database that failed while serving a unit of work."""
    return StorageUnavailable(f"the database failed: {reason(error)}")


class Transaction:
    """Runs statements on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self.is_postgresql = connection.dialect.name == "postgresql"

    async def execute(
        self, statement: Executable, parameters: Parameters | None = None
    ) -> CursorResult[Any]:
        """Run a statement; an IntegrityError stays for the repository to explain."""
        try:
            return await self._connection.execute(statement, parameters)
        except IntegrityError:
            raise
        except StorageFailure as error:
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
        try:
            savepoint = await self._connection.begin_nested()
        except StorageFailure as error:
            raise unavailable(error) from error
        async with savepoint:
            yield
