"""Every adapter runs the same contract suite: add a backend to STORAGES to enroll it.

SQLite gets a new file per test, migrated; PostgreSQL one database per session, migrated once
and emptied before each test (creating a database costs ~0.3 s, emptying one ~0.03 s).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql.migrations import upgrade
from adapters.sql.urls import database_url
from adapters.storage import Storage, storage_from_url
from tests.sql_databases import (
    SQL_KINDS,
    create_postgres_database,
    drop_postgres_database,
    outside_any_loop,
    sqlite_url,
)

StorageMaker = Callable[[pytest.FixtureRequest], AbstractAsyncContextManager[str]]
"""A context that yields the URL of an empty store for one test, then cleans up."""


def temporary_folder(request: pytest.FixtureRequest) -> Path:
    path: Path = request.getfixturevalue("tmp_path")
    return path


@asynccontextmanager
async def plain(url: str) -> AsyncIterator[str]:
    yield url


@asynccontextmanager
async def migrated_sqlite(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    url = sqlite_url(temporary_folder(request))
    await asyncio.to_thread(upgrade, url)
    yield url


@asynccontextmanager
async def emptied_postgres(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    url: str = request.getfixturevalue("migrated_postgres_database")
    engine = create_async_engine(database_url(url), poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "TRUNCATE inventory_records, products, changes RESTART IDENTITY"
            )
    finally:
        await engine.dispose()
    yield url


STORAGES: dict[str, StorageMaker] = {
    "memory": lambda request: plain("memory://"),
    "csv": lambda request: plain(f"csv:///{temporary_folder(request)}/inventory.csv"),
    "sqlite": migrated_sqlite,
    "postgresql": emptied_postgres,
}
MARKS = {"postgresql": pytest.mark.postgres}


@pytest.fixture(scope="session")
def migrated_postgres_database() -> Iterator[str]:
    """This session's database, at the head revision; skips when there is no server."""
    # Asked for from inside an async fixture, hence in a thread: alembic runs its own loop.
    url = outside_any_loop(create_postgres_database)
    try:
        outside_any_loop(upgrade, url)
        yield url
    finally:
        outside_any_loop(drop_postgres_database, url)


@pytest.fixture(params=[pytest.param(name, marks=MARKS.get(name, ())) for name in sorted(STORAGES)])
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[Storage]:
    async with STORAGES[request.param](request) as url:
        opened = storage_from_url(url)
        await opened.open()
        try:
            yield opened
        finally:
            await opened.close()


@pytest.fixture(params=SQL_KINDS)
async def sql_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """The URL of an empty, migrated SQL database, for tests that open it more than once."""
    async with STORAGES[request.param](request) as url:
        yield url
