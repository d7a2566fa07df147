"""A history read a slice at a time: the same rows as a whole read, from one snapshot."""

from __future__ import annotations

import asyncio
import datetime as dt
from contextlib import aclosing

import pytest

from adapters.storage import Storage
from domain.model import InventoryRecord, Product
from tests.adapters.origins import BULK

DAY = dt.date(2025, 3, 1)
DAYS = [DAY + dt.timedelta(days=n) for n in range(5)]


async def products(storage: Storage, count: int = 3) -> list[int]:
    """`count` products of 5 records each; the ids."""
    ids = list(range(1, count + 1))
    async with storage.unit_of_work() as uow:
        for product_id in ids:
            await uow.products.add(Product(product_id, f"P{product_id}"))
        records = [(pid, day, pid * 10 + n) for pid in reversed(ids) for n, day in enumerate(DAYS)]
        await uow.inventory.put_many(records, BULK)
        await uow.commit()
    return ids


async def test_slices_hold_the_rows_of_a_whole_read_in_order(storage: Storage) -> None:
    await products(storage)
    async with storage.unit_of_work() as uow:
        whole = await uow.inventory.history([3, 1, 99], DAYS[1], DAYS[3])
    async with storage.unit_of_work() as uow:
        slices = await uow.inventory.history_slices([3, 1, 99], DAYS[1], DAYS[3], 4)
        read = [rows async for rows in slices]
    assert [len(rows) for rows in read] == [4, 2]
    assert [row for rows in read for row in rows] == whole
    assert [(row.product_id, row.date) for row in whole] == [
        (pid, day) for pid in (1, 3) for day in DAYS[1:4]
    ]


@pytest.mark.parametrize("count", [3, 12])  # SQL reads a few products whole, more by cursor
async def test_a_write_while_slices_are_read_goes_on_and_shows_in_none_of_them(
    storage: Storage, count: int
) -> None:
    ids = await products(storage, count)
    async with storage.unit_of_work() as uow:
        before = await uow.inventory.history(ids, None, None)
    async with storage.unit_of_work() as reader:
        slices = await reader.inventory.history_slices(ids, None, None, 2)
        async with aclosing(slices):
            read = [await anext(slices)]
            async with asyncio.timeout(10):  # the read keeps no writer waiting
                async with storage.unit_of_work() as writer:
                    await writer.inventory.put(InventoryRecord(count, DAYS[0], 999))
                    await writer.inventory.put(InventoryRecord(2, DAY - dt.timedelta(1), 5))
                    await writer.commit()
            read.extend([rows async for rows in slices])
    assert [row for rows in read for row in rows] == before
    async with storage.unit_of_work() as uow:
        assert (await uow.inventory.get(count, DAYS[0])) == InventoryRecord(count, DAYS[0], 999)


async def test_a_read_closed_half_way_leaves_the_store_usable(storage: Storage) -> None:
    ids = await products(storage, 12)
    async with storage.unit_of_work() as uow:
        slices = await uow.inventory.history_slices(ids, None, None, 2)
        async with aclosing(slices):
            assert len(await anext(slices)) == 2
    async with asyncio.timeout(10), storage.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, DAYS[0], 7))
        await uow.inventory.put(InventoryRecord(1, DAYS[0] - dt.timedelta(days=1), 8))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert len(await uow.inventory.history(ids, None, None)) == 61
        assert await uow.inventory.get(1, DAYS[0]) == InventoryRecord(1, DAYS[0], 7)
