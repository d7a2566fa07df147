"""The one place that turns a storage URL (the STOCKLINE_STORAGE setting) into an adapter."""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from domain.errors import StorageUnavailable
from domain.ports import UnitOfWork


class Storage(Protocol):
    """An opened store: hands out units of work until closed."""

    kind: str

    @abstractmethod
    async def open(self) -> None:
        """Connect or read; raises StorageUnavailable with a reason a person can act on."""

    @abstractmethod
    async def close(self) -> None:
        """Release files, locks and connections."""

    @abstractmethod
    def unit_of_work(self) -> UnitOfWork:
        """A new transaction over this store."""

    @abstractmethod
    async def write_blocker(self) -> str | None:
        """Why a write would have to wait now for a lock held outside this process, or None.
        At once, never waiting (health asks it); where a held lock would stop reads too, a
        read shows it and this may answer None."""

    @abstractmethod
    def migrate(self) -> str | None:
        """Bring the store's schema to the code's head; a line saying what was done, or None
        when the store has no schema (CSV, memory). Blocking, with its own event loop: call
        it from synchronous code."""


class UnknownStorage(StorageUnavailable):
    """The URL names no storage we have."""


def path_of(url: str) -> Path:
    """SQLAlchemy's convention: three slashes is a relative path, four an absolute one."""
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest == "/":
        raise UnknownStorage(f"{url!r} has no file path; write e.g. csv:///data/inventory.csv")
    return Path(rest[1:])


def check_storage_url(url: str) -> str:
    """The URL's scheme; raises UnknownStorage unless it names a storage we have.

    The message names the scheme only: the URL may hold a database password.
    """
    try:
        scheme = urlsplit(url).scheme
    except ValueError:  # e.g. an unclosed `[` in the host
        scheme = ""
    if scheme in ("memory", "csv") or scheme.startswith(("sqlite", "postgresql")):
        return scheme
    raise UnknownStorage(
        f"unknown storage {scheme + '://' if scheme else 'URL'}: use csv:///path.csv, "
        "sqlite+aiosqlite:///path.db, postgresql+asyncpg://user@host/db or memory://"
    )


def storage_from_url(url: str, statement_timeout: float = 0) -> Storage:
    """The adapter a URL names: csv://, memory://, sqlite+aiosqlite://, postgresql+asyncpg://.

    `statement_timeout`: the seconds one SQL statement may run on PostgreSQL (0: no bound).
    """
    scheme = check_storage_url(url)
    if scheme == "memory":
        from adapters.memory.unit_of_work import MemoryStorage

        return MemoryStorage()
    if scheme == "csv":
        from adapters.csv_file.storage import CsvStorage

        return CsvStorage(path_of(url))
    from adapters.sql.storage import SqlStorage

    return SqlStorage(url, statement_timeout)
