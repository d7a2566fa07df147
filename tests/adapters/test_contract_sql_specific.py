"""What only a SQL database can show: several connections at once, and its own constraints."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import pool, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from adapters.sql import changes, inventory, transaction
from adapters.sql.storage import SqlStorage
from adapters.sql.tables import changes as changes_table
from adapters.sql.urls import database_url
from adapters.storage import storage_from_url
from domain.changes import Cause, ChangeQuery, Origin
from domain.errors import DuplicateProduct, ProductNotFound, StorageUnavailable
from domain.model import InventoryRecord, Product
from tests.adapters.origins import BULK

DAY = dt.date(2025, 3, 1)
EDIT = Origin(dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC), "alice", Cause.EDIT)


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
            await uow.products.update(Product(1, "Red widget"))
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


@pytest.mark.parametrize("sql_url", ["sqlite"], indirect=True)
async def test_sqlite_writers_of_one_process_wait_their_turn_and_readers_do_not(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transaction, "WRITE_WAIT_S", 0.2)  # SQLite's own busy wait is 5 s

    async def put(storage: SqlStorage, date: dt.date, level: int) -> None:
        async with storage.unit_of_work() as uow:
            await uow.inventory.put(InventoryRecord(1, date, level))
            await uow.commit()

    async with opened(sql_url) as storage:
        async with storage.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
        async with storage.unit_of_work() as holder:
            await holder.inventory.put(InventoryRecord(1, DAY, 1))
            async with storage.unit_of_work() as reader:
                assert await reader.products.get(1) == Product(1, "Blue widget")
            with pytest.raises(StorageUnavailable, match=r"busy with another write for 0\.2 s"):
                await put(storage, DAY + dt.timedelta(days=1), 2)
            queued = asyncio.create_task(put(storage, DAY + dt.timedelta(days=2), 3))
            await asyncio.sleep(0.05)
            assert not queued.done()
            await holder.commit()
        await queued
        async with storage.unit_of_work() as uow:
            stored = await uow.inventory.history([1], None, None)
    assert [(row.date.day, row.level) for row in stored] == [(1, 1), (3, 3)]


@pytest.mark.parametrize("sql_url", ["sqlite"], indirect=True)
async def test_a_sqlite_writer_that_fails_lets_the_next_one_in(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transaction, "WRITE_WAIT_S", 0.2)
    async with opened(sql_url) as storage:
        with pytest.raises(ProductNotFound):
            async with storage.unit_of_work() as uow:
                await uow.products.add(Product(1, "Blue widget"))
                await uow.inventory.put(InventoryRecord(2, DAY, 1))
        async with storage.unit_of_work() as uow:  # would wait in vain for a lock never given back
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
        async with storage.unit_of_work() as uow:
            assert await uow.products.all() == [Product(1, "Blue widget")]


@pytest.mark.postgres
@pytest.mark.parametrize("sql_url", ["postgresql"], indirect=True)
async def test_a_record_another_writer_adds_meanwhile_is_written_over_from_its_level(
    sql_url: str,
) -> None:
    async with opened(sql_url) as storage:
        async with storage.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
        async with raw_connection(sql_url) as other, storage.unit_of_work() as uow:
            await other.execute(
                text("INSERT INTO inventory_records VALUES (1, :day, 5)"), {"day": DAY}
            )
            writing = asyncio.create_task(uow.inventory.put_many([(1, DAY, 9)], BULK))
            await asyncio.sleep(0.3)
            assert not writing.done(), "the write did not wait for the other writer's record"
            await other.commit()
            await writing
            await uow.commit()
        async with storage.unit_of_work() as uow:
            assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 9)
            [entry] = await uow.changes.find(ChangeQuery(product_ids=(1,)))
    assert (entry.previous_level, entry.new_level) == (5, 9)


@pytest.mark.postgres
@pytest.mark.parametrize("sql_url", ["postgresql"], indirect=True)
async def test_a_large_bulk_write_leaves_postgresql_fresh_statistics_to_plan_by(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transaction, "ANALYZE_FROM", 4)
    counted = text(
        "SELECT relname, reltuples FROM pg_class "
        "WHERE relname IN ('products', 'inventory_records') ORDER BY relname"
    )
    async with opened(sql_url) as storage:
        async with storage.unit_of_work() as uow:
            await uow.products.add_many([Product(1, "Blue widget")])
            await uow.inventory.put_many([(1, DAY, 1)], BULK)
            await uow.commit()
        async with raw_connection(sql_url) as connection:  # 2 rows: below the bound
            assert (await connection.execute(counted)).all() == [
                ("inventory_records", -1),
                ("products", -1),
            ]
        async with storage.unit_of_work() as uow:
            await uow.products.add_many([Product(2, "Red widget"), Product(3, "Green widget")])
            await uow.inventory.put_many([(2, DAY, 2), (3, DAY, 3)], BULK)
            await uow.commit()
    async with raw_connection(sql_url) as connection:
        assert (await connection.execute(counted)).all() == [
            ("inventory_records", 3),
            ("products", 3),
        ]


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
                await uow.inventory.put_many([(1, DAY, 1), (3, DAY, 1)], BULK)
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


async def test_a_change_id_is_never_handed_out_twice(sql_url: str) -> None:
    async with opened(sql_url) as storage:
        async with storage.unit_of_work() as uow:
            newest = await uow.changes.record(EDIT, [(1, DAY, None, n, None) for n in (1, 2)])
            await uow.commit()
        async with raw_connection(sql_url) as connection:  # as a careless cleanup would
            await connection.execute(text(f"DELETE FROM changes WHERE id = {newest}"))
            await connection.commit()
        async with storage.unit_of_work() as uow:
            assert await uow.changes.record(EDIT, [(1, DAY, 2, 3, None)]) > newest


async def test_a_time_is_kept_to_the_microsecond_and_read_back_in_utc(sql_url: str) -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    origin = Origin(dt.datetime(2026, 1, 2, 4, 4, 5, 678901, tzinfo=paris), "alice", Cause.EDIT)
    async with opened(sql_url) as storage, storage.unit_of_work() as uow:
        change_id = await uow.changes.record(origin, [(1, DAY, None, 1, None)])
        await uow.commit()
        entry = await uow.changes.get(change_id)
    assert entry is not None
    assert (entry.origin.at, entry.origin.at.tzinfo) == (EDIT.at, dt.UTC)
    async with raw_connection(sql_url) as connection:  # and SQLAlchemy reads it as written
        stored = (await connection.execute(select(changes_table.c.at))).scalar_one()
    assert stored.replace(tzinfo=stored.tzinfo or dt.UTC) == EDIT.at


async def test_writes_and_reads_larger_than_a_batch_keep_their_order(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (changes, inventory):
        monkeypatch.setattr(module, "WRITE_BATCH", 2)
    importing = Origin(EDIT.at, "importer", Cause.IMPORT, None, "abc123")
    dates = [DAY + dt.timedelta(days=n) for n in range(5)]
    async with opened(sql_url) as storage, storage.unit_of_work() as uow:
        await uow.products.add(Product(1, "Blue widget"))
        await uow.inventory.put_many([(1, date, 1) for date in dates], BULK)
        last_id = await uow.changes.record(importing, [(1, d, None, 1, None) for d in dates])
        await uow.inventory.remove_many([(1, date) for date in dates[1:]])
        found = await uow.changes.of_import("abc123", 0, 10)
        assert [row.date for row in await uow.inventory.history(None, None, None)] == [DAY]
    assert [entry.date for entry in found] == dates
    assert found[-1].id == last_id
    assert len({id(entry.origin) for entry in found}) == 1  # one Origin for the whole write


async def test_values_no_column_can_hold_match_nothing_instead_of_failing(sql_url: str) -> None:
    too_large = 2**63
    async with opened(sql_url) as storage, storage.unit_of_work() as uow:
        last_id = await uow.changes.record(EDIT, [(1, DAY, None, 1, None)])
        assert await uow.changes.get(too_large) is None
        assert await uow.changes.find(ChangeQuery(product_ids=(too_large,))) == []
        assert await uow.changes.find(ChangeQuery(actor="al\x00ice")) == []
        assert await uow.changes.of_import("abc\x00", 0, 10) == []
        assert await uow.changes.of_import("abc123", too_large, 10) == []
        [entry] = await uow.changes.find(ChangeQuery(before_id=too_large))
        assert entry.id == last_id


async def test_a_commit_that_fails_gives_back_no_open_transaction(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection back in the pool inside a transaction would hold the write lock (SQLite)
    or the advisory locks (PostgreSQL) for as long as the pool keeps it."""
    import aiosqlite
    import asyncpg  # type: ignore[import-untyped]

    async def refused(*_args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    real_execute = asyncpg.Connection.execute

    async def refused_commit(self: object, sql: str, *args: object, **kwargs: object) -> object:
        if sql == "COMMIT":
            raise asyncpg.DiskFullError("could not write: no space left on device")
        return await real_execute(self, sql, *args, **kwargs)

    async with opened(sql_url) as first, opened(sql_url) as second:
        async with first.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
        with monkeypatch.context() as patch:
            patch.setattr(aiosqlite.Connection, "commit", refused)
            patch.setattr(asyncpg.Connection, "execute", refused_commit)
            with pytest.raises(StorageUnavailable):
                async with first.unit_of_work() as uow:
                    await uow.lock(1)
                    await uow.inventory.put(InventoryRecord(1, DAY, 4))
                    await uow.commit()
        async with second.unit_of_work() as uow:  # another process's writer gets in at once
            async with asyncio.timeout(2):
                await uow.lock(1)
                await uow.inventory.put(InventoryRecord(1, DAY, 5))
                await uow.commit()
        async with first.unit_of_work() as uow:
            assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 5)
