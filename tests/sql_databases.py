"""Throwaway SQL databases for tests: a SQLite file in a temporary folder, or a new PostgreSQL one.

PostgreSQL tests need STOCKLINE_TEST_POSTGRES_URL (a database the user may CREATE DATABASE
from, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test); without it, or without a server
there, they are skipped with the reason. Synchronous on purpose: alembic runs its own loop.
"""

from __future__ import annotations

import asyncio
import functools
import os
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import pool
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_VARIABLE = "STOCKLINE_TEST_POSTGRES_URL"
SQL_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
T = TypeVar("T")


def outside_any_loop(function: Callable[..., T], *args: object) -> T:
    """Call code that runs its own event loop (these helpers, alembic) from anywhere."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args).result()


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder}/inventory.db"


def migrated_sqlite_url(folder: Path) -> str:
    """A SQLite database in `folder` at the head revision; callable from any thread."""
    from adapters.sql.migrations import upgrade

    url = sqlite_url(folder)
    outside_any_loop(upgrade, url)
    return url


def create_postgres_database() -> str:
    """A new empty database on the test server; skips the test when there is none."""
    server = _postgres_server()
    name = f"stockline_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_administer(server, f'CREATE DATABASE "{name}"'))
    return server.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    asyncio.run(_administer(_postgres_server(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def skip_postgres_tests_without_a_server(items: list[pytest.Item]) -> None:
    """Mark the tests that need PostgreSQL as skipped, with one reason, when there is none.

    At collection rather than in a fixture, so that pytest folds the skips into a line per file.
    """
    reason = postgres_unavailable()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("postgres") and not item.get_closest_marker("skip"):
            item.add_marker(pytest.mark.skip(reason=reason))


def postgres_unavailable() -> str | None:
    """Why the PostgreSQL tests cannot run, or None when they can."""
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        return f"PostgreSQL: set {POSTGRES_VARIABLE} to run these tests"
    problem = _unreachable(url)
    if problem:
        return f"PostgreSQL at {make_url(url).render_as_string()} unreachable: {problem}"
    return None


def _postgres_server() -> URL:
    reason = postgres_unavailable()
    if reason is not None:
        pytest.skip(reason)
    return make_url(os.environ[POSTGRES_VARIABLE])


@functools.cache
def _unreachable(url: str) -> str | None:
    """Why the server cannot be used, asked once per run so that a dead server costs one wait."""
    try:
        outside_any_loop(asyncio.run, _administer(make_url(url), "SELECT 1"))
    except (OSError, SQLAlchemyError) as error:
        return f"{type(error).__name__}: {error}".splitlines()[0]
    return None


async def _administer(server: URL, sql: str) -> None:
    engine = create_async_engine(
        server, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5}
    )
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(sql)
    finally:
        await engine.dispose()
