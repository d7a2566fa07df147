"""A history read a slice at a time: the same rows as a whole read, from one snapshot."""

from __future__ import annotations

import asyncio
import datetime as dt
from contextlib import aclosing

from adapters.storage import Storage
from domain.model import InventoryRecord, Product
from tests.adapters.origins import BULK

DAY = dt.date(2025, 3, 1)
DAYS = [DAY + dt.timedelta(days=n) for n in range(5)]


async def three_products(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        for product_id in (1, 2, 3):
            await uow.products.add(Product(product_id, f"P{product_id}"))
        await uow.inventory.put_many(
            [(pid, day, pid * 10 + n) for pid in (3, 1, 2) for n, day in enumerate(DAYS)], BULK
        )
        await uow.commit()


async def test_slices_hold_the_rows_of_a_whole_read_in_order(storage: Storage) -> None:
    await three_products(storage)
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


async def test_a_write_while_slices_are_read_goes_on_and_shows_in_none_of_them(
    storage: Storage,
) -> None:
    await three_products(storage)
    async with storage.unit_of_work() as uow:
        before = await uow.inventory.history([1, 2, 3], None, None)
    async with storage.unit_of_work() as reader:
        slices = await reader.inventory.history_slices([1, 2, 3], None, None, 2)
        async with aclosing(slices):
            read = [await anext(slices)]
            async with asyncio.timeout(10):  # the read keeps no writer waiting
                async with storage.unit_of_work() as writer:
                    await writer.inventory.put(InventoryRecord(3, DAYS[0], 999))
                    await writer.inventory.put(InventoryRecord(2, DAY - dt.timedelta(1), 5))
                    await writer.commit()
            read.extend([rows async for rows in slices])
    assert [row for rows in read for row in rows] == before
    async with storage.unit_of_work() as uow:
        assert (await uow.inventory.get(3, DAYS[0])) == InventoryRecord(3, DAYS[0], 999)


async def test_a_read_closed_half_way_leaves_the_store_usable(storage: Storage) -> None:
    await three_products(storage)
    async with storage.unit_of_work() as uow:
        slices = await uow.inventory.history_slices([1, 2, 3], None, None, 2)
        async with aclosing(slices):
            assert len(await anext(slices)) == 2
    async with asyncio.timeout(10), storage.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, DAYS[0], 7))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert len(await uow.inventory.history([1, 2, 3], None, None)) == 15
