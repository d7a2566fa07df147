"""The change history's contract, run unchanged against every storage adapter."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.storage import Storage
from domain import history, services, transfer
from domain.changes import Author, Cause, Change, ChangeQuery, Origin
from domain.errors import UndoConflict
from domain.flat_rows import FlatRow
from domain.model import InventoryRecord, Product
from domain.transfer import ImportMode
from tests.adapters.origins import BULK

DAY = dt.date(2025, 3, 1)
AT = dt.datetime(2026, 11, 27, 10, 31, 2, 123456, tzinfo=dt.UTC)
EDIT = Origin(AT, "Zoë Åberg", Cause.EDIT, 'recount; after "delivery"')
ALICE = Author("alice", "first count")


def day(offset: int) -> dt.date:
    return DAY + dt.timedelta(days=offset)


async def with_products(storage: Storage, count: int) -> None:
    async with storage.unit_of_work() as uow:
        for number in range(1, count + 1):
            await uow.products.add(Product(number, f"Product {number}"))
        await uow.commit()


async def everything(storage: Storage) -> list[Change]:
    async with storage.unit_of_work() as uow:
        return await uow.changes.find(ChangeQuery(limit=1000))


async def levels(storage: Storage) -> dict[tuple[int, dt.date], int]:
    async with storage.unit_of_work() as uow:
        rows = await uow.inventory.history(None, None, None)
    return {(row.product_id, row.date): row.level for row in rows}


async def test_an_entry_is_read_back_exactly(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        last = await uow.changes.record(EDIT, [(7, DAY, None, 5, None)])
        await uow.commit()
    async with storage.unit_of_work() as uow:
        entry = await uow.changes.get(last)
        assert await uow.changes.get(last + 1) is None
    assert entry == Change(last, 7, DAY, None, 5, None, EDIT)


async def test_ids_grow_and_find_lists_newest_first(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        first = await uow.changes.record(EDIT, [(1, DAY, None, 1, None)])
        second = await uow.changes.record(
            EDIT, [(1, day(1), None, 2, None), (2, DAY, 3, None, first)]
        )
        await uow.commit()
    found = await everything(storage)
    assert second > first
    assert [(c.product_id, c.date, c.previous_level, c.new_level, c.undoes) for c in found] == [
        (2, DAY, 3, None, first),
        (1, day(1), None, 2, None),
        (1, DAY, None, 1, None),
    ]
    assert found[0].id == second
    assert found[0].id > found[1].id > found[2].id


async def test_leaving_without_commit_drops_the_entries_with_the_change(storage: Storage) -> None:
    await with_products(storage, 1)
    async with storage.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, DAY, 5))
        await uow.changes.record(EDIT, [(1, DAY, None, 5, None)])
    assert await everything(storage) == []
    assert await levels(storage) == {}
    await services.set_level(storage.unit_of_work(), 1, DAY, 6, author=ALICE)
    [entry] = await everything(storage)
    assert (entry.previous_level, entry.new_level, entry.origin.actor, entry.origin.note) == (
        None,
        6,
        "alice",
        "first count",
    )


async def test_find_applies_every_filter_and_the_cursor(storage: Storage) -> None:
    bob = Origin(AT, "bob", Cause.EDIT)
    async with storage.unit_of_work() as uow:
        for offset in range(6):
            origin = bob if offset % 2 else EDIT
            await uow.changes.record(origin, [(1 + offset % 3, day(offset), None, 1, None)])
        await uow.commit()
    everyone = await everything(storage)
    queries = [
        ChangeQuery(product_ids=(1, 3)),
        ChangeQuery(start=day(2), end=day(4)),
        ChangeQuery(actor="bob"),
        ChangeQuery(before_id=everyone[2].id),
        ChangeQuery(product_ids=(2,), actor="bob", start=day(1)),
        ChangeQuery(limit=2),
        ChangeQuery(product_ids=(99,)),
    ]
    async with storage.unit_of_work() as uow:
        for query in queries:
            expected = [entry for entry in everyone if query.matches(entry)][: query.limit]
            assert await uow.changes.find(query) == expected, query


async def test_of_import_lists_only_that_imports_entries_oldest_first(storage: Storage) -> None:
    one = Origin(AT, "importer", Cause.IMPORT, None, "abc123")
    other = Origin(AT, "importer", Cause.IMPORT, None, "def456")
    async with storage.unit_of_work() as uow:
        await uow.changes.record(one, [(1, DAY, None, 1, None), (1, day(1), 4, 2, None)])
        await uow.changes.record(other, [(1, DAY, 1, 3, None)])
        await uow.changes.record(one, [(2, DAY, None, 3, None)])
        await uow.commit()
    async with storage.unit_of_work() as uow:
        found = await uow.changes.of_import("abc123", 0, 10)
        assert await uow.changes.of_import("nope", 0, 10) == []
        first_two = await uow.changes.of_import("abc123", 0, 2)
        rest = await uow.changes.of_import("abc123", first_two[-1].id, 2)
    assert [(c.product_id, c.date, c.new_level) for c in found] == [
        (1, DAY, 1),
        (1, day(1), 2),
        (2, DAY, 3),
    ]
    assert [c.id for c in found] == sorted(c.id for c in found)
    assert first_two + rest == found  # pages: up to `limit` entries after an id


async def test_remove_many_skips_absent_records(storage: Storage) -> None:
    await with_products(storage, 2)
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(1, DAY, 1), (1, day(1), 2), (2, DAY, 3)], BULK)
        await uow.inventory.remove_many([(1, DAY), (2, DAY), (2, day(9))])
        await uow.commit()
    assert await levels(storage) == {(1, day(1)): 2}


async def test_undo_restores_the_level_before_and_records_itself(storage: Storage) -> None:
    await with_products(storage, 1)
    await services.set_level(storage.unit_of_work(), 1, DAY, 5)
    await services.set_level(storage.unit_of_work(), 1, DAY, 8, author=ALICE)
    newest = (await everything(storage))[0]
    undo = await history.undo_change(storage.unit_of_work(), newest.id, Author("bob"))
    assert await levels(storage) == {(1, DAY): 5}
    assert (undo.previous_level, undo.new_level, undo.undoes, undo.origin.cause) == (
        8,
        5,
        newest.id,
        "undo",
    )
    assert (await everything(storage))[0] == undo
    with pytest.raises(UndoConflict) as refused:  # the record holds 5, not the 8 it left
        await history.undo_change(storage.unit_of_work(), newest.id)
    assert (refused.value.blocked[0].expected_level, refused.value.blocked[0].current_level) == (
        8,
        5,
    )
    assert await levels(storage) == {(1, DAY): 5}


async def test_undoing_a_creation_removes_the_record(storage: Storage) -> None:
    await with_products(storage, 1)
    await services.set_level(storage.unit_of_work(), 1, DAY, 5)
    [created] = await everything(storage)
    await history.undo_change(storage.unit_of_work(), created.id)
    assert await levels(storage) == {}


async def test_deleting_a_product_records_each_removal(storage: Storage) -> None:
    await with_products(storage, 2)
    await services.set_level(storage.unit_of_work(), 1, DAY, 5)
    await services.set_level(storage.unit_of_work(), 1, day(1), 6)
    await services.delete_product(storage.unit_of_work(), 1, author=ALICE)
    removals = (await everything(storage))[:2]
    assert {(c.date, c.previous_level, c.new_level, c.origin.cause) for c in removals} == {
        (DAY, 5, None, "product_deletion"),
        (day(1), 6, None, "product_deletion"),
    }
    with pytest.raises(UndoConflict) as refused:
        await history.undo_change(storage.unit_of_work(), removals[0].id)
    assert not refused.value.blocked[0].product_exists


@pytest.mark.parametrize("mode", list(ImportMode))
@pytest.mark.parametrize("page", [1, history.IMPORT_PAGE])  # 1: a record's entries on two pages
async def test_undoing_an_import_restores_every_record_it_touched(
    storage: Storage, mode: ImportMode, page: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "IMPORT_PAGE", page)
    await with_products(storage, 2)
    await services.set_level(storage.unit_of_work(), 1, DAY, 5)
    await services.set_level(storage.unit_of_work(), 2, DAY, 7)
    before = await levels(storage)
    rows = [
        FlatRow(1, "Product 1", DAY, 50),
        FlatRow(1, "Product 1", day(1), 51),
        FlatRow(3, "Product 3", DAY, 30),
    ]
    report = await transfer.import_rows(storage.unit_of_work(), rows, mode, author=ALICE)
    assert report.import_id is not None
    written = await levels(storage)
    assert written[1, DAY] == 50
    if mode is ImportMode.REPLACE:  # product 2 went with the replace: first bring it back
        with pytest.raises(UndoConflict) as refused:
            await history.undo_import(storage.unit_of_work(), report.import_id)
        assert not refused.value.blocked[0].product_exists
        assert await levels(storage) == written
        await services.create_product(storage.unit_of_work(), "Product 2", 2)
    undone = await history.undo_import(storage.unit_of_work(), report.import_id, ALICE)
    assert await levels(storage) == before
    assert undone.records_restored == (4 if mode is ImportMode.REPLACE else 3)
    with pytest.raises(UndoConflict):  # a second undo finds the records moved on
        await history.undo_import(storage.unit_of_work(), report.import_id)


async def test_an_import_undo_is_refused_whole_when_one_record_moved_on(storage: Storage) -> None:
    await with_products(storage, 1)
    rows = [FlatRow(1, "Product 1", DAY, 50), FlatRow(1, "Product 1", day(1), 51)]
    report = await transfer.import_rows(storage.unit_of_work(), rows)
    assert report.import_id is not None
    await services.set_level(storage.unit_of_work(), 1, day(1), 99)
    with pytest.raises(UndoConflict) as refused:
        await history.undo_import(storage.unit_of_work(), report.import_id)
    assert [(b.date, b.expected_level, b.current_level) for b in refused.value.blocked] == [
        (day(1), 51, 99)
    ]
    assert await levels(storage) == {(1, DAY): 50, (1, day(1)): 99}


async def test_a_bulk_write_records_each_record_with_the_level_it_replaced(
    storage: Storage,
) -> None:
    await with_products(storage, 2)
    await services.set_level(storage.unit_of_work(), 1, DAY, 5)
    async with storage.unit_of_work() as uow:
        last = await uow.inventory.put_many([(1, DAY, 6), (2, DAY, 7)], BULK, [11, 12])
        await uow.commit()
    newest = (await everything(storage))[:2]
    assert [(c.product_id, c.previous_level, c.new_level, c.undoes, c.origin) for c in newest] == [
        (2, None, 7, 12, BULK),
        (1, 5, 6, 11, BULK),
    ]
    assert newest[0].id == last
    assert await levels(storage) == {(1, DAY): 6, (2, DAY): 7}
