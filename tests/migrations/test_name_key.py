"""Migration 0003 recomputes `products.name_key` under NFKC and case folding, and stops,
naming them, when existing names would clash under the new key."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic import command
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql.migrations import alembic_config, upgrade
from adapters.sql.urls import database_url
from domain.errors import StorageUnavailable
from domain.model import name_key
from tests.migrations.test_stairway import state_of

BEFORE = "0002"


def run(url: str, sql: str, rows: list[dict[str, Any]] | None = None) -> list[tuple[Any, ...]]:
    async def go() -> list[tuple[Any, ...]]:
        engine = create_async_engine(database_url(url), poolclass=pool.NullPool)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(sql), rows or {})
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(go())


def at_0002_with(url: str, *names: str) -> None:
    command.upgrade(alembic_config(url), BEFORE)
    rows = [{"id": n, "name": name, "key": name.casefold()} for n, name in enumerate(names, 1)]
    run(url, "INSERT INTO products (id, name, name_key) VALUES (:id, :name, :key)", rows)


def keys(url: str) -> list[tuple[Any, ...]]:
    return run(url, "SELECT id, name_key FROM products ORDER BY id")


def test_the_upgrade_recomputes_every_key_and_the_downgrade_puts_them_back(
    empty_database: str,
) -> None:
    names = ("\uff37idget", "Cafe\u0301", "\ufb01sh", "Plain", "Stra\u00dfe")
    at_0002_with(empty_database, *names)
    upgrade(empty_database)
    assert keys(empty_database) == [(n, name_key(name)) for n, name in enumerate(names, 1)]
    assert keys(empty_database)[0] == (1, "widget")
    command.downgrade(alembic_config(empty_database), BEFORE)
    assert keys(empty_database) == [(n, name.casefold()) for n, name in enumerate(names, 1)]


def test_names_that_would_clash_stop_the_upgrade_naming_them_and_change_nothing(
    empty_database: str,
) -> None:
    at_0002_with(empty_database, "widget", "Lamp", "\uff37IDGET", "Caf\u00e9", "Cafe\u0301")
    before = keys(empty_database)
    with pytest.raises(StorageUnavailable) as refused:
        upgrade(empty_database)
    message = str(refused.value)
    assert "1 'widget' = 3 '\uff37IDGET'" in message
    assert "4 'Caf\u00e9' = 5 'Cafe\u0301'" in message
    assert "Lamp" not in message
    assert "rename one of each" in message
    assert state_of(empty_database)[1] == BEFORE
    assert keys(empty_database) == before
