"""The databases' errors, as the domain's: what a driver or the pool raised, in a reason."""

from __future__ import annotations

import re
import sqlite3

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from domain.errors import StorageUnavailable

StorageFailure = (SQLAlchemyError, OSError)
"""What a driver or the pool raises when the database cannot serve (OSError: refused sockets)."""
DriverFailure = (
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # e.g. a connection the server has just terminated
    OSError,
)
"""What the drivers themselves raise, on the reads that bypass SQLAlchemy."""
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement_timeout (and other cancels)
LOCK_NOT_AVAILABLE = "55P03"  # ... for a lock_timeout
# The constraints a write of records may break, named by tables.py's naming convention.
RECORD_KEY = "pk_inventory_records"
RECORD_OF_PRODUCT = "fk_inventory_records_product_id_products"
# SQLite names no constraint in its errors: its message stands for the name. The schema has
# one foreign key (a history entry has none: it outlives its product). No SQLite writer meets
# another's record on its key: it holds the database's write lock.
SQLITE_CONSTRAINTS = {"FOREIGN KEY constraint failed": RECORD_OF_PRODUCT}
NAMED_KEY = re.compile(r"Key \(product_id\)=\((\d+)\) is not present")


def reason(error: BaseException) -> str:
    """What the driver said, on one line, without the SQL and parameters SQLAlchemy appends."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def busy(waited_s: float) -> StorageUnavailable:
    return StorageUnavailable(f"the store stayed busy with another write for {waited_s:g} s")


def unavailable(error: BaseException) -> StorageUnavailable:
    """The domain error for a database that failed while serving a unit of work."""
    state = _sqlstate(error)
    if state == QUERY_CANCELED and "statement timeout" in reason(error):
        return StorageUnavailable(
            "the database cancelled a statement that ran longer than its statement timeout: "
            "it is overloaded, or a table is locked"
        )
    if state == LOCK_NOT_AVAILABLE:
        return StorageUnavailable(
            "the database waited longer than its lock timeout for a lock another connection "
            f"holds: {reason(error)}"
        )
    return StorageUnavailable(f"the database failed: {reason(error)}")


def is_timeout(error: BaseException) -> bool:
    """PostgreSQL gave up on a statement after one of its bounds: asking again waits again."""
    return _sqlstate(error) in (QUERY_CANCELED, LOCK_NOT_AVAILABLE)


def _sqlstate(error: BaseException) -> str | None:
    cause = error.orig if isinstance(error, DBAPIError) else error
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state if isinstance(state, str) else None


def is_busy(error: BaseException) -> bool:
    """A wait for another writer that ran out: PostgreSQL's lock timeout, SQLite's busy one."""
    if _sqlstate(error) == LOCK_NOT_AVAILABLE:
        return True
    cause = error.orig if isinstance(error, DBAPIError) else error
    return "database is locked" in str(cause)


def broken_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint the database refused a write by, when it is one we know."""
    cause = _driver_error(error)
    if isinstance(cause, sqlite3.IntegrityError):
        return SQLITE_CONSTRAINTS.get(str(cause))
    name = getattr(cause, "constraint_name", None)
    return name if isinstance(name, str) else None


def named_product(error: IntegrityError) -> int | None:
    """The product a refusal by RECORD_OF_PRODUCT names: PostgreSQL's detail does (`Key
    (product_id)=(3) is not present in table "products".`), SQLite's message does not."""
    found = NAMED_KEY.search(getattr(_driver_error(error), "detail", None) or "")
    return int(found[1]) if found else None


def _driver_error(error: IntegrityError) -> BaseException | None:
    """The driver's own exception: SQLAlchemy's asyncpg adapter wraps it in one of its own."""
    cause = error.orig
    if isinstance(cause, asyncpg.PostgresError | sqlite3.Error):
        return cause
    return cause.__cause__ if cause is not None else None
