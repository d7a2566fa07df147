"""A product's unit, on every store: kept whole with the product, changed with it, rolled
back with it, and never in the way of the rest of it."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.storage import Storage
from domain import services
from domain.errors import DuplicateProduct, InvalidValue
from domain.model import InventoryRecord, Product
from domain.transfer import ImportMode, export_rows, export_text, import_rows, parse_file

DAY = dt.date(2025, 3, 1)


async def test_a_product_is_read_back_whole_by_every_read(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        await uow.products.add(Product(1, "Flour", "kg"))
        await uow.products.add_many([Product(2, "Bolt", "pcs"), Product(3, "Lamp")])
        await uow.inventory.put(InventoryRecord(1, DAY, 5))
        await uow.commit()
    flour, bolt, lamp = Product(1, "Flour", "kg"), Product(2, "Bolt", "pcs"), Product(3, "Lamp")
    async with storage.unit_of_work() as uow:
        assert await uow.products.get(1) == flour
        assert await uow.products.many([3, 2]) == [bolt, lamp]
        assert await uow.products.all() == [flour, bolt, lamp]
        summary = await uow.products.summary(1)
        assert summary is not None
        assert summary.product == flour
        page = await uow.products.search("bo", 10, 0)
        assert [item.product for item in page.items] == [bolt]


async def test_an_update_stores_the_new_unit_and_a_rollback_the_old(storage: Storage) -> None:
    await services.create_product(storage.unit_of_work(), "Flour", 1, unit="kg")
    async with storage.unit_of_work() as uow:
        await uow.products.update(Product(1, "Flour", "g"))
    assert await _product(storage, 1) == Product(1, "Flour", "kg")
    changed = await services.change_product(storage.unit_of_work(), 1, "Flour", unit="g")
    assert changed == Product(1, "Flour", "g") == await _product(storage, 1)
    kept = await services.change_product(storage.unit_of_work(), 1, "Wheat flour")
    assert kept == Product(1, "Wheat flour", "g") == await _product(storage, 1)


async def test_a_unit_is_checked_as_names_are_before_any_write(storage: Storage) -> None:
    with pytest.raises(InvalidValue, match="U\\+200B"):
        await services.create_product(storage.unit_of_work(), "Flour", 1, unit="k\u200bg")
    with pytest.raises(InvalidValue, match="at most 20"):
        await services.create_product(storage.unit_of_work(), "Flour", 1, unit="x" * 21)
    created = await services.create_product(storage.unit_of_work(), "Cafe", 2, unit=" me\u0301 ")
    assert created.unit == "m\u00e9"
    assert await _product(storage, 2) == created
    assert await _product(storage, 1) is None


async def test_one_unit_for_many_products_and_names_stay_unique(storage: Storage) -> None:
    await services.create_product(storage.unit_of_work(), "Flour", 1, unit="kg")
    await services.create_product(storage.unit_of_work(), "Sugar", 2, unit="kg")
    with pytest.raises(DuplicateProduct):
        await services.change_product(storage.unit_of_work(), 2, "FLOUR", unit="g")
    assert await _product(storage, 2) == Product(2, "Sugar", "kg")


async def test_units_go_out_and_back_in_through_export_and_import(storage: Storage) -> None:
    await services.create_product(storage.unit_of_work(), "Flour", 1, unit="kg")
    await services.create_product(storage.unit_of_work(), "Bolt", 2)
    await services.set_level(storage.unit_of_work(), 1, DAY, 5)
    text = "".join(
        [chunk async for chunk in export_text(await export_rows(storage.unit_of_work()))]
    )
    assert text == (
        "product_id;product_name;date;inventory_level;unit\n1;Flour;01-03-2025;5;kg\n2;Bolt;;;\n"
    )
    await import_rows(storage.unit_of_work(), parse_file(text.encode()), ImportMode.REPLACE)
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, "Flour", "kg"), Product(2, "Bolt")]
    again = "".join(
        [chunk async for chunk in export_text(await export_rows(storage.unit_of_work()))]
    )
    assert again == text


async def _product(storage: Storage, product_id: int) -> Product | None:
    async with storage.unit_of_work() as uow:
        return await uow.products.get(product_id)
