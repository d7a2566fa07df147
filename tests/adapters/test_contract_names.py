"""The contract on names, run against every store: one name under NFKC and case folding,
new names stored composed, names stored before those rules still read."""

from __future__ import annotations

import pytest

from adapters.storage import Storage
from domain import services
from domain.errors import DuplicateProduct, InvalidValue
from domain.model import Product

COMPOSED, DECOMPOSED = "Caf\u00e9", "Cafe\u0301"
LOOK_ALIKES = [
    ("widget", "\uff37idget"),  # a full-width W
    (COMPOSED, DECOMPOSED),
    ("FISH", "\ufb01sh"),  # the ligature fi
]


@pytest.mark.parametrize(("stored", "look_alike"), LOOK_ALIKES)
async def test_a_look_alike_of_a_stored_name_is_a_duplicate(
    storage: Storage, stored: str, look_alike: str
) -> None:
    async with storage.unit_of_work() as uow:
        await uow.products.add_many([Product(1, stored), Product(2, "Other")])
        await uow.commit()
    async with storage.unit_of_work() as uow:
        with pytest.raises(DuplicateProduct, match=r"\(product 1\)"):
            await uow.products.add(Product(3, look_alike))
    async with storage.unit_of_work() as uow:
        with pytest.raises(DuplicateProduct, match=r"\(product 1\)"):
            await uow.products.add_many([Product(3, look_alike)])
    with pytest.raises(DuplicateProduct, match=r"\(product 1\)"):
        await services.change_product(storage.unit_of_work(), 2, look_alike)
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, stored), Product(2, "Other")]


async def test_a_new_name_is_stored_composed_and_found_in_any_form(storage: Storage) -> None:
    created = await services.create_product(storage.unit_of_work(), DECOMPOSED + " au lait")
    assert created.name == COMPOSED + " au lait"
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == [Product(created.id, COMPOSED + " au lait")]
        for text in (DECOMPOSED, COMPOSED.upper(), "\uff23af\u00e9"):
            page = await uow.products.search(text, 10, 0)
            assert [item.product.id for item in page.items] == [created.id], text
    renamed = await services.change_product(storage.unit_of_work(), created.id, DECOMPOSED)
    assert renamed.name == COMPOSED


async def test_an_invisible_character_in_a_new_name_is_refused_before_any_write(
    storage: Storage,
) -> None:
    with pytest.raises(InvalidValue, match="U\\+200B"):
        await services.create_product(storage.unit_of_work(), "Wid\u200bget")
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == []


async def test_names_stored_before_the_rules_read_back_as_they_are(storage: Storage) -> None:
    # As a store written by older code holds them; only new names are refused.
    legacy = [Product(1, "Wid\u200bget"), Product(2, DECOMPOSED), Product(3, "\u202eabc")]
    async with storage.unit_of_work() as uow:
        await uow.products.add_many(legacy)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.products.all() == legacy
        assert await uow.products.get(2) == Product(2, DECOMPOSED)
    renamed = await services.change_product(storage.unit_of_work(), 1, "Widget")
    assert renamed == Product(1, "Widget")
