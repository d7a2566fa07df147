"""A store refuses to open on a schema that is not at head, and says how to bring it there."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.util import CommandError
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql.migrations import alembic_config, head_revision, upgrade, url_for_alembic
from adapters.sql.storage import SqlStorage
from adapters.sql.urls import database_url
from api.settings import settings_from_environment
from domain.errors import StorageUnavailable

ROOT = Path(__file__).resolve().parents[2]


async def test_an_unmigrated_database_is_refused_until_upgraded(empty_database: str) -> None:
    head = head_revision()
    with pytest.raises(
        StorageUnavailable, match=r"is behind \(at none, head is \w+\); run `stockline db upgrade`"
    ):
        await SqlStorage(empty_database).open()

    assert (await asyncio.to_thread(upgrade, empty_database)).endswith(f"from none to {head}")
    assert (await asyncio.to_thread(upgrade, empty_database)).endswith(f"already at {head} (head)")
    storage = SqlStorage(empty_database)
    await storage.open()
    await storage.close()


async def test_a_database_from_a_newer_stockline_is_refused(empty_database: str) -> None:
    await asyncio.to_thread(upgrade, empty_database)
    engine = create_async_engine(database_url(empty_database), poolclass=pool.NullPool)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    await engine.dispose()
    with pytest.raises(StorageUnavailable, match="at revision 9999, which this version"):
        await SqlStorage(empty_database).open()
    with pytest.raises(StorageUnavailable, match="Can't locate revision identified by '9999'"):
        await asyncio.to_thread(upgrade, empty_database)


async def test_upgrade_inside_a_running_loop_says_how_to_call_it(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"asyncio\.to_thread"):
        upgrade(f"sqlite+aiosqlite:///{tmp_path}/inventory.db")


def test_upgrade_refuses_a_storage_that_is_not_sql(tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailable, match="is not a SQL storage"):
        upgrade(f"csv:///{tmp_path}/inventory.csv")


def test_the_alembic_command_migrates_the_database_of_stockline_storage(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/new-folder/inventory.db"
    env = {**os.environ, "STOCKLINE_STORAGE": url}
    command = [sys.executable, "-m", "alembic", "upgrade", "head"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert upgrade(url).endswith(f"already at {head_revision()} (head)")


def test_alembic_without_a_sql_storage_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STOCKLINE_STORAGE", raising=False)  # the default store is a CSV file
    with pytest.raises(CommandError, match="Set STOCKLINE_STORAGE to the database to migrate"):
        url_for_alembic(alembic_config(), lambda: settings_from_environment().storage)
