"""The contract every storage adapter keeps, run unchanged against each of them."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.storage import Storage
from domain.changes import ChangeQuery
from domain.errors import DuplicateProduct
from domain.model import HistoryRow, InventoryRecord, Product
from tests.adapters.origins import BULK

DAY = dt.date(2025, 3, 1)


def day(offset: int) -> dt.date:
    return DAY + dt.timedelta(days=offset)


async def add_products(storage: Storage, *names: str) -> None:
    async with storage.unit_of_work() as uow:
        for number, name in enumerate(names, start=1):
            await uow.products.add(Product(number, name))
        await uow.commit()


async def test_a_committed_product_is_read_back(storage: Storage) -> None:
    await add_products(storage, "Blue widget")
    async with storage.unit_of_work() as uow:
        assert await uow.products.get(1) == Product(1, "Blue widget")
        assert await uow.products.get(2) is None
        assert await uow.products.next_id() == 2


async def test_leaving_without_commit_rolls_everything_back(storage: Storage) -> None:
    await add_products(storage, "Kept")
    async with storage.unit_of_work() as uow:
        await uow.products.add(Product(2, "Dropped"))
        await uow.inventory.put(InventoryRecord(1, DAY, 5))
        await uow.products.update(Product(1, "Renamed"))
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, "Kept")]
        assert await uow.inventory.history(None, None, None) == []


async def test_bulk_writes_that_open_a_unit_of_work_roll_back_with_it(storage: Storage) -> None:
    await add_products(storage, "Blue widget")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(1, DAY, 5), (1, day(1), 6)], BULK)
        await uow.commit()
    async with storage.unit_of_work() as uow:  # each write below is the first statement of its own
        await uow.products.add_many([Product(2, "Red widget")])
    async with storage.unit_of_work() as uow:
        await uow.inventory.remove_many([(1, DAY)])
    async with storage.unit_of_work() as uow:
        await uow.changes.record(BULK, [(1, day(2), None, 7, None)])
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, "Blue widget")]
        assert [row.date for row in await uow.inventory.history(None, None, None)] == [
            DAY,
            day(1),
        ]
        assert len(await uow.changes.find(ChangeQuery())) == 2


async def test_an_error_inside_the_transaction_leaves_nothing_half_written(
    storage: Storage,
) -> None:
    await add_products(storage, "First")
    with pytest.raises(DuplicateProduct):
        async with storage.unit_of_work() as uow:
            await uow.inventory.put(InventoryRecord(1, DAY, 5))
            await uow.products.add(Product(2, "FIRST"))
    async with storage.unit_of_work() as uow:
        assert await uow.inventory.get(1, DAY) is None
        assert await uow.products.get(2) is None


@pytest.mark.parametrize("clash", [Product(1, "Other"), Product(2, "blue WIDGET")])
async def test_duplicate_ids_and_names_in_any_case_are_refused(
    storage: Storage, clash: Product
) -> None:
    await add_products(storage, "Blue widget")
    async with storage.unit_of_work() as uow:
        with pytest.raises(DuplicateProduct):
            await uow.products.add(clash)


async def test_many_products_are_added_at_once(storage: Storage) -> None:
    await add_products(storage, "Blue widget")
    added = [Product(product_id, f"Product {product_id}") for product_id in range(2, 12)]
    async with storage.unit_of_work() as uow:
        await uow.products.add_many(added)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, "Blue widget"), *added]


@pytest.mark.parametrize(
    ("clash", "named"),
    [(Product(1, "Other"), "id 1"), (Product(3, "blue WIDGET"), "'blue WIDGET'")],
)
async def test_adding_many_refuses_a_taken_id_or_name_naming_it(
    storage: Storage, clash: Product, named: str
) -> None:
    await add_products(storage, "Blue widget")
    async with storage.unit_of_work() as uow:
        with pytest.raises(DuplicateProduct, match=named):
            await uow.products.add_many([Product(2, "Fresh"), clash, Product(4, "Also fresh")])
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, "Blue widget")]


async def test_rename_keeps_records_and_frees_the_old_name(storage: Storage) -> None:
    await add_products(storage, "Old", "Other")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, DAY, 3))
        await uow.products.update(Product(1, "New"))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        await uow.products.add(Product(3, "old"))
        with pytest.raises(DuplicateProduct):
            await uow.products.update(Product(2, "NEW"))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.inventory.history([1], None, None) == [HistoryRow(1, "New", DAY, 3)]


async def test_rename_to_another_case_of_its_own_name_is_allowed(storage: Storage) -> None:
    await add_products(storage, "widget")
    async with storage.unit_of_work() as uow:
        await uow.products.update(Product(1, "Widget"))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.products.get(1) == Product(1, "Widget")


async def test_put_creates_then_replaces_one_record_per_product_and_date(storage: Storage) -> None:
    await add_products(storage, "A")
    async with storage.unit_of_work() as uow:
        assert await uow.inventory.put(InventoryRecord(1, DAY, 5)) is True
        assert await uow.inventory.put(InventoryRecord(1, DAY, 7)) is False
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.inventory.get(1, DAY) == InventoryRecord(1, DAY, 7)
        assert len(await uow.inventory.history([1], None, None)) == 1


async def test_remove_deletes_one_record(storage: Storage) -> None:
    await add_products(storage, "A")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(1, day(0), 1), (1, day(1), 2)], BULK)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.inventory.remove(1, day(0)) is True
        assert await uow.inventory.remove(1, day(5)) is False
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.inventory.history([1], None, None) == [HistoryRow(1, "A", day(1), 2)]


async def test_history_filters_products_and_range_and_orders_rows(storage: Storage) -> None:
    await add_products(storage, "A", "B", "C")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many(
            [(pid, day(offset), pid * 10 + offset) for pid in (3, 1, 2) for offset in (4, 0, 2)],
            BULK,
        )
        await uow.commit()
    async with storage.unit_of_work() as uow:
        rows = await uow.inventory.history([3, 1], day(1), day(4))
    assert [(row.product_id, row.date, row.level) for row in rows] == [
        (1, day(2), 12),
        (1, day(4), 14),
        (3, day(2), 32),
        (3, day(4), 34),
    ]
    assert {row.product_name for row in rows} == {"A", "C"}


async def test_history_of_all_products_and_unknown_ids(storage: Storage) -> None:
    await add_products(storage, "A", "B")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(2, DAY, 1), (1, DAY, 2)], BULK)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert [row.product_id for row in await uow.inventory.history(None, None, None)] == [1, 2]
        assert await uow.inventory.history([99], None, None) == []


async def test_deleting_a_product_deletes_its_records(storage: Storage) -> None:
    await add_products(storage, "A", "B")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(1, DAY, 1), (2, DAY, 2)], BULK)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        await uow.products.remove(1)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.products.get(1) is None
        assert await uow.inventory.get(1, DAY) is None
        assert await uow.inventory.history(None, None, None) == [HistoryRow(2, "B", DAY, 2)]
        await uow.products.add(Product(1, "A again"))
        assert await uow.inventory.history([1], None, None) == []


async def test_remove_all_empties_the_store_and_rolls_back(storage: Storage) -> None:
    await add_products(storage, "A", "B")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, DAY, 1))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        await uow.products.remove_all()
        assert await uow.products.all() == []
    async with storage.unit_of_work() as uow:
        assert len(await uow.products.all()) == 2
        await uow.products.remove_all()
        await uow.products.add(Product(5, "a"))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(5, "a")]
        assert await uow.inventory.history(None, None, None) == []


async def test_search_matches_id_or_name_part_and_summarises(storage: Storage) -> None:
    await add_products(storage, "Blue widget", "Red gadget", "Widget XII")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(1, day(0), 4), (1, day(3), 9)], BULK)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        widgets = await uow.products.search("WIDGET", 10, 0)
        by_id = await uow.products.search("2", 10, 0)
        page = await uow.products.search(None, 2, 1)
        summary = await uow.products.summary(1)
        assert await uow.products.summary(9) is None
    assert [item.product.id for item in widgets.items] == [1, 3]
    assert [item.product.id for item in by_id.items] == [2]
    assert ([item.product.id for item in page.items], page.total) == ([2, 3], 3)
    assert summary is not None
    assert (summary.record_count, summary.latest) == (2, InventoryRecord(1, day(3), 9))
    assert widgets.items[1].record_count == 0
    assert widgets.items[1].latest is None


async def test_a_new_unit_of_work_sees_committed_writes_of_another(storage: Storage) -> None:
    await add_products(storage, "A")
    first, second = storage.unit_of_work(), storage.unit_of_work()
    async with first:
        await first.inventory.put(InventoryRecord(1, DAY, 8))
        await first.commit()
    async with second:
        assert await second.inventory.get(1, DAY) == InventoryRecord(1, DAY, 8)


@pytest.mark.parametrize(("clash", "owner"), [("ÉCLAIR", 1), ("éclair", 1), ("STRASSE", 2)])
async def test_names_equal_in_any_letter_case_beyond_ascii_are_one_name(
    storage: Storage, clash: str, owner: int
) -> None:
    await add_products(storage, "Éclair", "Straße")
    async with storage.unit_of_work() as uow:
        with pytest.raises(DuplicateProduct, match=rf"\(product {owner}\)"):
            await uow.products.add(Product(3, clash))
        with pytest.raises(DuplicateProduct, match=rf"\(product {owner}\)"):
            await uow.products.update(Product(3 - owner, clash))


async def test_search_takes_wildcards_literally_and_folds_any_case(storage: Storage) -> None:
    await add_products(storage, "50% off", "Blue_widget", "Bluexwidget", "Éclair")
    async with storage.unit_of_work() as uow:
        found = {
            text: [item.product.id for item in (await uow.products.search(text, 10, 0)).items]
            for text in ("%", "_", "éCLAIR", "99999999999999999999")
        }
    assert found == {"%": [1], "_": [2], "éCLAIR": [4], "99999999999999999999": []}


async def test_put_many_replaces_the_levels_of_existing_dates(storage: Storage) -> None:
    await add_products(storage, "A")
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(1, day(0), 1), (1, day(1), 2)], BULK)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        await uow.inventory.put_many([(1, day(1), 5), (1, day(2), 6)], BULK)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        rows = await uow.inventory.history([1], None, None)
        summary = await uow.products.summary(1)
    assert [(row.date, row.level) for row in rows] == [(day(0), 1), (day(1), 5), (day(2), 6)]
    assert summary is not None
    assert (summary.record_count, summary.latest) == (3, InventoryRecord(1, day(2), 6))
