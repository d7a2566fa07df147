"""What only a SQL database can show: several connections at once, and its own constraints."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import pool, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from adapters.sql.storage import SqlStorage
from adapters.sql.urls import database_url
from adapters.storage import storage_from_url
from domain.errors import DuplicateProduct, ProductNotFound, StorageUnavailable
from domain.model import InventoryRecord, Product

DAY = dt.date(2025, 3, 1)


@asynccontextmanager
async def opened(url: str) -> AsyncIterator[SqlStorage]:
    storage = SqlStorage(url)
    await storage.open()
    try:
        yield storage
    finally:
        await storage.close()


@asynccontextmanager
async def raw_connection(url: str) -> AsyncIterator[AsyncConnection]:
    """A connection that bypasses the repositories, as another program would."""
    engine = create_async_engine(database_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


async def test_two_storages_on_one_database_see_each_others_commits_at_once(sql_url: str) -> None:
    async with opened(sql_url) as first, opened(sql_url) as second:
        async with first.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.inventory.put(InventoryRecord(1, DAY, 4))
            await uow.commit()
        async with second.unit_of_work() as uow:
            assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 4)
            await uow.products.rename(Product(1, "Red widget"))
            await uow.commit()
        async with first.unit_of_work() as uow:
            assert await uow.products.get(1) == Product(1, "Red widget")


async def test_units_of_work_that_read_then_write_at_once_all_succeed(sql_url: str) -> None:
    async def set_level(storage: SqlStorage, date: dt.date) -> None:
        async with storage.unit_of_work() as uow:
            assert await uow.products.get(1) is not None
            await asyncio.sleep(0.05)  # every unit of work reads before any of them writes
            await uow.inventory.put(InventoryRecord(1, date, 7))
            await uow.commit()

    async with opened(sql_url) as first, opened(sql_url) as second:
        async with first.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
        dates = [DAY + dt.timedelta(days=offset) for offset in range(6)]
        await asyncio.gather(
            *(set_level((first, second)[n % 2], date) for n, date in enumerate(dates))
        )
        async with second.unit_of_work() as uow:
            assert [row.date for row in await uow.inventory.history([1], None, None)] == dates


async def test_records_of_a_missing_product_are_refused_naming_it(sql_url: str) -> None:
    async with opened(sql_url) as storage:
        async with storage.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
        with pytest.raises(ProductNotFound, match="product 2 does not exist"):
            async with storage.unit_of_work() as uow:
                await uow.inventory.put(InventoryRecord(2, DAY, 1))
        with pytest.raises(ProductNotFound, match="product 3 does not exist"):
            async with storage.unit_of_work() as uow:
                await uow.inventory.put_many(
                    [InventoryRecord(1, DAY, 1), InventoryRecord(3, DAY, 1)]
                )
                await uow.commit()
        async with storage.unit_of_work() as uow:
            assert await uow.inventory.history(None, None, None) == []


async def test_the_database_itself_refuses_a_second_name_in_another_case(sql_url: str) -> None:
    async with opened(sql_url) as storage, storage.unit_of_work() as uow:
        await uow.products.add(Product(1, "Blue widget"))
        await uow.commit()
    insert = "INSERT INTO products (id, name, name_key) VALUES (2, :name, :key)"
    async with raw_connection(sql_url) as connection:
        with pytest.raises(IntegrityError):
            await connection.execute(text(insert), {"name": "BLUE WIDGET", "key": "blue widget"})
        await connection.rollback()
        with pytest.raises(IntegrityError):  # and a writer cannot skip the key
            await connection.execute(text("INSERT INTO products (id, name) VALUES (3, 'x')"))


async def test_of_two_racing_adds_of_one_name_exactly_one_wins(sql_url: str) -> None:
    async with opened(sql_url) as first, opened(sql_url) as second:
        async with first.unit_of_work() as winner, second.unit_of_work() as loser:
            await winner.products.add(Product(1, "Blue widget"))
            racing = asyncio.create_task(loser.products.add(Product(2, "BLUE WIDGET")))
            await asyncio.sleep(0.3)
            assert not racing.done(), "the database let the second add through unchecked"
            await winner.commit()
            with pytest.raises(DuplicateProduct, match=r"exists already \(product 1\)"):
                await racing
        async with second.unit_of_work() as uow:
            assert await uow.products.all() == [Product(1, "Blue widget")]


@pytest.mark.postgres
@pytest.mark.parametrize("sql_url", ["postgresql"], indirect=True)
async def test_a_lost_connection_is_reported_as_unavailable_then_recovered(sql_url: str) -> None:
    async with opened(sql_url) as storage:
        async with storage.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
            async with raw_connection(sql_url) as admin:
                await admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            with pytest.raises(StorageUnavailable, match="the database failed"):
                await uow.products.get(1)
        async with storage.unit_of_work() as uow:
            assert await uow.products.get(1) == Product(1, "Blue widget")


async def test_an_unreachable_server_is_reported_as_unavailable() -> None:
    storage = SqlStorage("postgresql+asyncpg://stockline@127.0.0.1:1/inventory")
    with pytest.raises(StorageUnavailable, match=r"cannot open postgresql\+asyncpg://"):
        await storage.open()


async def test_a_sqlite_folder_that_cannot_be_made_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    storage = SqlStorage(f"sqlite+aiosqlite:///{tmp_path}/a-file/inventory.db")
    with pytest.raises(StorageUnavailable, match="cannot create the folder"):
        await storage.open()


@pytest.mark.parametrize(
    ("url", "driver"),
    [("sqlite:///data/x.db", "sqlite+aiosqlite"), ("postgresql://u@h/db", "postgresql+asyncpg")],
)
def test_a_url_without_a_driver_gets_the_async_one(url: str, driver: str) -> None:
    storage = storage_from_url(url)
    assert isinstance(storage, SqlStorage)
    assert (storage.kind, storage.url.drivername) == (driver.split("+")[0], driver)


@pytest.mark.parametrize(
    ("url", "advice"),
    [
        ("postgresql+psycopg2://u@h/db", "use the postgresql+asyncpg driver"),
        ("sqlite+aiosqlite:///:memory:", "for a store in memory use memory://"),
    ],
)
def test_a_url_the_adapter_cannot_use_is_refused_with_advice(url: str, advice: str) -> None:
    with pytest.raises(StorageUnavailable, match=re.escape(advice)):
        storage_from_url(url)
