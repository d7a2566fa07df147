"""What only the flat-file store promises: its exact format, atomic writes, hand edits."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.csv_file.storage import CsvStorage
from domain.errors import StorageUnavailable
from domain.model import HistoryRow, InventoryRecord, Product

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
    await store.fold()
    assert store.path.read_text(encoding="utf-8") == (
        HEADER + "1;Lamp;02-01-2025;7\n1;Lamp;31-01-2025;4\n" + '2;"Semi;colon";;\n'
    )
    assert store.journal.stat().st_size == 0


async def test_a_commit_is_one_sealed_append_to_the_journal(store: CsvStorage) -> None:
    await write_sample(store)
    assert not store.path.exists()
    lines = store.journal.read_text(encoding="utf-8").splitlines()
    assert lines[:5] == [
        HEADER.strip(),
        '2;"Semi;colon";;',
        "1;Lamp;;",
        "1;Lamp;31-01-2025;4",
        "1;Lamp;02-01-2025;7",
    ]
    assert re.fullmatch(r"=;4;;[0-9a-f]{8}", lines[5])
    async with store.unit_of_work() as uow:
        await uow.products.add(Product(3, "Dropped"))
    assert store.journal.read_text(encoding="utf-8").count("=;") == 1


def crash(storage: CsvStorage) -> None:
    """Let go of the store as a killed process would: no orderly close, so no fold."""
    os.close(storage._lock_fd or -1)
    storage._lock_fd = None


async def test_a_restart_replays_the_journal_and_folds_it(tmp_path: Path) -> None:
    first = CsvStorage(tmp_path / "inventory.csv")
    await first.open()
    await write_sample(first)
    async with first.unit_of_work() as uow:
        await uow.products.remove(2)
        await uow.inventory.remove(1, DAY)
        await uow.products.rename(Product(1, "Desk lamp"))
        await uow.commit()
    crash(first)
    second = CsvStorage(tmp_path / "inventory.csv")
    await second.open()
    assert second.path.read_text(encoding="utf-8") == HEADER + "1;Desk lamp;02-01-2025;7\n"
    await second.close()


async def test_a_commit_torn_by_a_crash_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    first = CsvStorage(tmp_path / "inventory.csv")
    await first.open()
    await write_sample(first)
    crash(first)
    with first.journal.open("ab") as journal:  # half a commit: lines without their seal
        journal.write(b"1;Lamp;03-01-2025;50\n1;Lamp;04-0")
    second = CsvStorage(tmp_path / "inventory.csv")
    await second.open()
    async with second.unit_of_work() as uow:
        assert await uow.inventory.get(1, dt.date(2025, 1, 3)) is None
        assert len(await uow.inventory.history(None, None, None)) == 2
    await second.close()


async def test_the_file_is_folded_once_writes_pause(
    store: CsvStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.csv_file.storage.FOLD_WHEN_IDLE", 0.05)
    await write_sample(store)
    for _ in range(100):
        if store.path.exists():
            break
        await asyncio.sleep(0.02)
    assert "1;Lamp;31-01-2025;4" in store.path.read_text(encoding="utf-8")


async def test_a_file_edited_by_hand_is_picked_up(store: CsvStorage) -> None:
    await write_sample(store)
    await store.fold()
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
    await store.fold()
    before = store.path.read_bytes()

    def crash(source: object, target: object) -> None:
        raise OSError(5, "simulated crash between temporary write and rename")

    monkeypatch.setattr(os, "replace", crash)
    async with store.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, DAY, 1000))
        await uow.commit()
    with pytest.raises(StorageUnavailable, match="cannot write"):
        await store.fold()
    assert store.path.read_bytes() == before
    monkeypatch.undo()
    async with store.unit_of_work() as uow:  # the commit is safe in the journal
        assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 1000)
    await store.fold()
    assert "1;Lamp;31-01-2025;1000" in store.path.read_text(encoding="utf-8")


async def test_a_crash_while_a_large_commit_is_folded_keeps_the_newest_levels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CsvStorage(tmp_path / "inventory.csv")
    await first.open()
    await write_sample(first)  # in the journal: Lamp on DAY at level 4
    from adapters.csv_file import journal

    def die(path: Path, size: int) -> None:
        raise OSError(5, "simulated crash while folding")

    monkeypatch.setattr(journal, "cut", die)
    with pytest.raises(OSError, match="simulated crash"):
        async with first.unit_of_work() as uow:  # replacing everything rewrites the file
            await uow.products.remove_all()
            await uow.products.add(Product(1, "Lamp"))
            await uow.inventory.put(InventoryRecord(1, DAY, 99))
            await uow.commit()
    monkeypatch.undo()
    crash(first)
    second = CsvStorage(tmp_path / "inventory.csv")
    await second.open()
    async with second.unit_of_work() as uow:  # the old journal is not replayed over it
        assert await uow.inventory.history(None, None, None) == [HistoryRow(1, "Lamp", DAY, 99)]
    await second.close()


async def test_a_commit_that_cannot_be_made_durable_is_undone(
    store: CsvStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write_sample(store)

    def full_disk(handle: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StorageUnavailable, match="No space left"):
        async with store.unit_of_work() as uow:
            await uow.inventory.put(InventoryRecord(1, DAY, 1000))
            await uow.commit()
    monkeypatch.undo()
    async with store.unit_of_work() as uow:
        assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 4)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("1;Lamp;02-01-2025;7\n1;Lamp;31-02-2025;4\n", "line 3: date"),
        ("1;Lamp;;\n2;LAMP;;\n", "line 3: the name 'LAMP' belongs to product 1"),
    ],
    ids=["impossible date", "duplicate name"],
)
async def test_a_bad_file_is_refused_at_start_with_its_line(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(HEADER + content, encoding="utf-8")
    with pytest.raises(StorageUnavailable, match=reason):
        await CsvStorage(path).open()
