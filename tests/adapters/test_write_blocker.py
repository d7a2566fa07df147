"""Each store says at once whether a write would wait for a lock held outside this process."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from adapters.sql.storage import SqlStorage
from adapters.storage import Storage
from tests.sql_databases import migrated_sqlite_url


async def test_no_store_reports_a_blocker_while_nothing_holds_its_lock(storage: Storage) -> None:
    assert await storage.write_blocker() is None


async def test_sqlite_names_another_connections_write_lock_at_once(tmp_path: Path) -> None:
    storage = SqlStorage(migrated_sqlite_url(tmp_path))
    await storage.open()
    other = sqlite3.connect(tmp_path / "inventory.db", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        found = await storage.write_blocker()
        assert time.monotonic() - started < 0.05
        assert found is not None
        assert "another connection holds the database's write lock" in found
        other.execute("ROLLBACK")
        assert await storage.write_blocker() is None
        async with storage.unit_of_work() as uow:  # the probe left nothing held
            await uow.lock()
            await uow.commit()
    finally:
        other.close()
        await storage.close()


async def test_sqlite_does_not_count_this_processs_own_writer(tmp_path: Path) -> None:
    storage = SqlStorage(migrated_sqlite_url(tmp_path))
    await storage.open()
    try:
        async with storage.unit_of_work() as uow:
            await uow.lock()  # holds BEGIN IMMEDIATE, as an import of ours would
            assert await storage.write_blocker() is None
    finally:
        await storage.close()
