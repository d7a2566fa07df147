"""What only the flat-file store promises: its exact format, atomic writes, hand edits."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.csv_file.storage import CsvStorage
from domain.errors import StorageUnavailable
from domain.model import InventoryRecord, Product

DAY = dt.date(2025, 1, 31)
HEADER = "product_id;product_name;date;inventory_level\n"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[CsvStorage]:
    storage = CsvStorage(tmp_path / "data" / "inventory.csv")
    await storage.open()
    yield storage
    await storage.close()


async def write_sample(store: CsvStorage) -> None:
    async with store.unit_of_work() as uow:
        await uow.products.add(Product(2, "Semi;colon"))
        await uow.products.add(Product(1, "Lamp"))
        await uow.inventory.put_many(
            [InventoryRecord(1, DAY, 4), InventoryRecord(1, dt.date(2025, 1, 2), 7)]
        )
        await uow.commit()


async def test_the_file_is_the_briefs_format_ordered_by_product_then_date(
    store: CsvStorage,
) -> None:
    await write_sample(store)
    assert store.path.read_text(encoding="utf-8") == (
        HEADER + "1;Lamp;02-01-2025;7\n1;Lamp;31-01-2025;4\n" + '2;"Semi;colon";;\n'
    )


async def test_nothing_is_written_until_a_change_is_committed(store: CsvStorage) -> None:
    async with store.unit_of_work() as uow:
        await uow.products.add(Product(1, "Lamp"))
    assert not store.path.exists()


async def test_a_file_edited_by_hand_is_picked_up(store: CsvStorage) -> None:
    await write_sample(store)
    store.path.write_text(HEADER + "1;Lamp;02-01-2025;99\n5;Kettle;;\n", encoding="utf-8")
    async with store.unit_of_work() as uow:
        assert await uow.inventory.get(1, dt.date(2025, 1, 2)) == InventoryRecord(
            1, dt.date(2025, 1, 2), 99
        )
        assert [product.id for product in await uow.products.all()] == [1, 5]


async def test_a_second_store_on_the_same_file_sees_commits_at_once(store: CsvStorage) -> None:
    other = CsvStorage(store.path)
    await other.open()
    try:
        await write_sample(store)
        async with other.unit_of_work() as uow:
            await uow.inventory.put(InventoryRecord(2, DAY, 1))
            await uow.commit()
        async with store.unit_of_work() as uow:
            assert await uow.inventory.get(2, DAY) == InventoryRecord(2, DAY, 1)
    finally:
        await other.close()


async def test_a_crash_before_the_rename_leaves_the_old_file_whole(
    store: CsvStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write_sample(store)
    before = store.path.read_bytes()

    def crash(source: object, target: object) -> None:
        raise OSError(5, "simulated crash between temporary write and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StorageUnavailable, match="cannot write"):
        async with store.unit_of_work() as uow:
            await uow.inventory.put(InventoryRecord(1, DAY, 1000))
            await uow.commit()
    assert store.path.read_bytes() == before
    monkeypatch.undo()
    async with store.unit_of_work() as uow:  # the failed change is not visible in memory either
        assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 4)
        await uow.inventory.put(InventoryRecord(1, DAY, 5))
        await uow.commit()
    assert "1;Lamp;31-01-2025;5" in store.path.read_text(encoding="utf-8")


async def test_a_corrupt_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(HEADER + "1;Lamp;02-01-2025;7\n1;Lamp;31-02-2025;4\n", encoding="utf-8")
    storage = CsvStorage(path)
    with pytest.raises(StorageUnavailable, match="line 3: date"):
        await storage.open()
    await storage.close()


async def test_duplicate_names_in_a_hand_edited_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(HEADER + "1;Lamp;;\n2;LAMP;;\n", encoding="utf-8")
    storage = CsvStorage(path)
    with pytest.raises(StorageUnavailable, match="belongs to product 1"):
        await storage.open()
    await storage.close()
