"""Another connection holding a store locked, as an operator's maintenance or a stuck job would."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from adapters.sql.urls import sqlite_file

TABLES = "products, inventory_records, changes"


@contextmanager
def store_locked(url: str) -> Iterator[None]:
    """For the block, no other connection may write the store's tables; on PostgreSQL, nor
    read them. (SQLite in WAL mode lets readers pass any lock another connection can take.)"""
    if url.startswith("sqlite"):
        with _sqlite_locked(url):
            yield
    else:
        with table_locked(url, TABLES):
            yield


@contextmanager
def _sqlite_locked(url: str) -> Iterator[None]:
    # BEGIN EXCLUSIVE is the strongest lock in WAL mode, where it only keeps other writers out;
    # exclusive locking mode, which would keep readers out, cannot be had while the server has
    # the database open.
    path = sqlite_file(make_url(url))
    assert path is not None
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


@contextmanager
def table_locked(url: str, tables: str) -> Iterator[None]:
    """PostgreSQL: LOCK TABLE `tables` IN ACCESS EXCLUSIVE MODE in a transaction of a thread
    of its own, for the block."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    granted, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    async def hold() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            async with connection.transaction():
                await connection.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
                granted.set()
                await asyncio.to_thread(release.wait)
        finally:
            await connection.close()

    def run() -> None:
        try:
            asyncio.run(hold())
        except BaseException as error:
            failure.append(error)
            granted.set()

    holder = threading.Thread(target=run, daemon=True)
    holder.start()
    assert granted.wait(10), "the lock was not granted within 10 s"
    if failure:
        raise failure[0]
    try:
        yield
    finally:
        release.set()
        holder.join(10)


def stockline_waits_for_a_lock(url: str) -> bool:
    """PostgreSQL: some statement of a Stockline server is waiting for a lock right now."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def ask() -> bool:
        connection = await asyncpg.connect(dsn)
        try:
            waiting = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stockline' "
                "AND wait_event_type = 'Lock' AND datname = current_database()"
            )
        finally:
            await connection.close()
        return bool(waiting)

    return asyncio.run(ask())
