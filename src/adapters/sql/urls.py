"""Storage URLs of the SQL adapter: which async driver, how to show them, where the file is."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from domain.errors import StorageUnavailable

ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


class NotSqlStorage(StorageUnavailable):
    """The URL names no SQL database this adapter can use."""


def database_url(url: str) -> URL:
    """The URL with its async driver; `sqlite:///x.db` and `postgresql://...` get the default one."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise NotSqlStorage(f"{url!r} is not a database URL") from None
    backend = parsed.get_backend_name()
    wanted = ASYNC_DRIVERS.get(backend)
    if wanted is None:
        raise NotSqlStorage(
            f"{shown(parsed)} is not a SQL storage: write sqlite+aiosqlite:///data/inventory.db "
            "or postgresql+asyncpg://user@host/db"
        )
    if "+" in parsed.drivername and parsed.get_driver_name() != wanted:
        raise NotSqlStorage(f"{shown(parsed)}: use the {backend}+{wanted} driver")
    return parsed.set(drivername=f"{backend}+{wanted}")


def shown(url: URL | str) -> str:
    """The URL as a person may read it in a message or a log: without its password."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL and for in-memory databases."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None  # a URI filename: SQLite resolves it, we leave its folder alone
    return Path(database)


def create_sqlite_folder(url: URL) -> None:
    """SQLite creates a missing file but not a missing folder; we do, as the CSV store does."""
    path = sqlite_file(url)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageUnavailable(f"cannot create the folder of {path}: {error.strerror}") from None
