"""Names in the flat-file store: written safe for spreadsheets, read back exactly, and files
from before the name rules tightened still open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from adapters.csv_file.storage import CsvStorage
from domain import services
from domain.changes import Cause, ChangeQuery, Origin
from domain.errors import DuplicateProduct
from domain.model import Product

HEADER = "product_id;product_name;date;inventory_level\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
AT = dt.datetime(2026, 11, 27, 10, 31, 2, 123456, tzinfo=dt.UTC)
NAMES = [
    "Widget,=cmd|' /C calc'!A0,",
    "a;+b,-c;@d",
    "'=already marked",
    '"quoted", "twice"',
    "Wid\u200bget",  # as a store written before the rule may hold it
]


async def opened(path: Path) -> CsvStorage:
    storage = CsvStorage(path)
    await storage.open()
    return storage


def formula_cells(text: str) -> list[str]:
    return [
        cell
        for line in text.splitlines()
        for separator in ",;"
        for cell in line.split(separator)
        if cell.startswith(FORMULA_START) or cell.removeprefix('"').startswith(FORMULA_START)
    ]


async def test_names_are_written_without_formula_cells_and_reload_exactly(tmp_path: Path) -> None:
    store = await opened(tmp_path / "inventory.csv")
    async with store.unit_of_work() as uow:
        await uow.products.add_many([Product(n, name) for n, name in enumerate(NAMES, 1)])
        await uow.commit()
    await store.fold()
    await store.close()
    text = store.path.read_text(encoding="utf-8")
    assert "1;\"Widget,'=cmd|' /C calc'!A0,\";;\n" in text
    assert formula_cells(text) == []
    again = await opened(store.path)
    try:
        async with again.unit_of_work() as uow:
            assert [product.name for product in await uow.products.all()] == NAMES
    finally:
        await again.close()


async def test_the_history_files_actor_and_note_have_no_formula_cells(tmp_path: Path) -> None:
    store = await opened(tmp_path / "inventory.csv")
    origin = Origin(AT, "bob,=1+1", Cause.EDIT, "recount;@SUM(A1),-2")
    async with store.unit_of_work() as uow:
        await uow.changes.record(origin, [(7, AT.date(), None, 1, None)])
        await uow.commit()
    await store.fold()
    await store.close()
    text = store.history.read_text(encoding="utf-8")
    # An origin line starts with the format's own fixed mark `+`, never with user text.
    assert formula_cells(text.replace("\n+;", "\nX;")) == []
    again = await opened(store.path)
    try:
        async with again.unit_of_work() as uow:
            assert [change.origin for change in await uow.changes.find(ChangeQuery())] == [origin]
    finally:
        await again.close()


async def test_a_file_from_before_the_rules_opens_with_its_names_as_they_are(
    tmp_path: Path,
) -> None:
    # Written by older code: an invisible character, and two names one only under NFKC.
    path = tmp_path / "inventory.csv"
    path.write_text(
        HEADER + "1;Wid\u200bget;;\n2;widget;01-01-2025;3\n3;\uff37IDGET;;\n4;Lamp;;\n",
        encoding="utf-8",
    )
    store = await opened(path)
    try:
        async with store.unit_of_work() as uow:
            assert [product.name for product in await uow.products.all()] == [
                "Wid\u200bget",
                "widget",
                "\uff37IDGET",
                "Lamp",
            ]
        with pytest.raises(DuplicateProduct):
            await services.create_product(store.unit_of_work(), "Widget")
        await services.delete_product(store.unit_of_work(), 2)
        with pytest.raises(DuplicateProduct, match=r"\(product 3\)"):  # still held by 3
            await services.change_product(store.unit_of_work(), 4, "widget")
        await services.delete_product(store.unit_of_work(), 3)
        assert (await services.change_product(store.unit_of_work(), 4, "widget")).name == "widget"
    finally:
        await store.close()
