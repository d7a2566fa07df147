from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from domain import services
from domain.errors import InvalidRows, ProductNotFound
from domain.flat_columns import DEFAULT
from domain.flat_rows import FlatRow
from domain.model import Product
from domain.transfer import (
    PRODUCTS_PER_READ,
    Export,
    ImportMode,
    export_rows,
    export_text,
    import_rows,
    parse_file,
)
from domain.upload import Upload
from tests.domain.fakes import FakeUnitOfWork

DAY = dt.date(2025, 1, 1)


def rows_of(text: str) -> Upload:
    return parse_file(("product_id;product_name;date;inventory_level\n" + text).encode())


async def test_an_import_writes_products_and_records_in_one_commit() -> None:
    uow = FakeUnitOfWork()
    report = await import_rows(uow, rows_of("1;A;01-01-2025;5\n1;A;02-01-2025;6\n2;B;;\n"))
    assert (report.products_created, report.records_written, uow.commits) == (2, 2, 1)
    assert uow.committed_products == {1: Product(1, "A"), 2: Product(2, "B")}


async def test_one_bad_line_refuses_the_whole_file() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidRows) as refused:
        await import_rows(uow, rows_of("1;A;01-01-2025;5\n1;A;01-13-2025;6\n"))
    assert [error.line for error in refused.value.errors] == [3]
    assert uow.commits == 0


async def test_conflicts_with_the_file_and_the_store_are_each_named() -> None:
    uow = FakeUnitOfWork()
    await services.create_product(uow, "Stored", 1)
    await services.create_product(uow, "Taken", 2)
    rows = rows_of(
        "1;Other;01-01-2025;5\n3;A;01-01-2025;1\n3;B;02-01-2025;1\n3;A;01-01-2025;2\n4;TAKEN;;\n"
    )
    with pytest.raises(InvalidRows) as refused:
        await import_rows(uow, rows)
    messages = {error.line: error.message for error in refused.value.errors}
    assert "stored as 'Stored'" in messages[2]
    assert "named 'A' on line 3" in messages[4]
    assert "already on line 3" in messages[5]
    assert "belongs to product 2" in messages[6]
    assert uow.commits == 2


async def test_a_dry_run_reports_without_writing() -> None:
    uow = FakeUnitOfWork()
    report = await import_rows(uow, rows_of("1;A;01-01-2025;5\n"), dry_run=True)
    assert (report.dry_run, report.records_written, uow.commits) == (True, 1, 0)


async def test_replace_makes_the_file_the_whole_store() -> None:
    uow = FakeUnitOfWork()
    await services.create_product(uow, "Old", 1)
    await services.set_level(uow, 1, DAY, 3)
    report = await import_rows(uow, rows_of("1;New;02-01-2025;5\n"), ImportMode.REPLACE)
    assert (report.products_created, report.products_removed) == (1, 0)
    assert uow.committed_products == {1: Product(1, "New")}
    assert uow.committed_levels == {(1, dt.date(2025, 1, 2)): 5}


async def test_export_gives_a_bare_row_to_a_product_without_records() -> None:
    uow = FakeUnitOfWork()
    await import_rows(uow, rows_of("1;A;02-01-2025;5\n1;A;01-01-2025;4\n2;B;;\n"))
    exported = await exported_rows(uow)
    assert [(row.product_id, row.date, row.level) for row in exported] == [
        (1, DAY, 4),
        (1, dt.date(2025, 1, 2), 5),
        (2, None, None),
    ]
    assert [row.product_id for row in await exported_rows(uow, [2])] == [2]


async def exported_rows(uow: FakeUnitOfWork, product_ids: list[int] | None = None) -> list[FlatRow]:
    return [row async for rows in await export_rows(uow, product_ids) for row in rows]


async def test_an_export_reads_a_slice_of_products_at_a_time_in_product_order() -> None:
    uow = FakeUnitOfWork()
    count = 2 * PRODUCTS_PER_READ + 1
    await import_rows(uow, [FlatRow(pid, f"P{pid}", DAY, pid) for pid in range(count, 0, -1)])
    slices = [rows async for rows in await export_rows(uow)]
    assert [len(rows) for rows in slices] == [PRODUCTS_PER_READ, PRODUCTS_PER_READ, 1]
    assert [row.product_id for rows in slices for row in rows] == list(range(1, count + 1))
    text = "".join([chunk async for chunk in export_text(Export(DEFAULT, _from(slices)))])
    assert text.splitlines()[0] == "product_id;product_name;date;inventory_level"
    assert len(text.splitlines()) == count + 1


async def _from(slices: list[list[FlatRow]]) -> AsyncIterator[list[FlatRow]]:
    for rows in slices:
        yield rows


async def test_a_missing_product_fails_the_export_before_any_row() -> None:
    uow = FakeUnitOfWork()
    await import_rows(uow, rows_of("1;A;02-01-2025;5\n"))
    with pytest.raises(ProductNotFound):
        await export_rows(uow, [1, 9])


async def test_an_import_stores_new_names_composed_and_refuses_invisible_ones() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidRows) as refused:
        await import_rows(uow, rows_of("1;Cafe\u0301;;\n2;Wid\u200bget;;\n3;\u202eX;;\n"))
    assert [(error.line, error.message[-6:]) for error in refused.value.errors] == [
        (3, "U+200B"),
        (4, "U+202E"),
    ]
    await import_rows(uow, rows_of("1;Cafe\u0301;;\n"))
    assert uow.committed_products == {1: Product(1, "Caf\u00e9")}


async def test_a_name_stored_before_the_rules_can_be_imported_back_under_its_product() -> None:
    uow = FakeUnitOfWork()
    uow.committed_products = {
        1: Product(1, "Wid\u200bget")
    }  # as a store written by older code holds it
    text = "1;Wid\u200bget;01-01-2025;4\n"
    for mode in ImportMode:
        report = await import_rows(uow, rows_of(text), mode)
        assert report.records_written == 1
    assert uow.committed_products == {1: Product(1, "Wid\u200bget")}
    with pytest.raises(InvalidRows) as refused:  # under another id it is a new name
        await import_rows(uow, rows_of("2;Wid\u200bget;;\n"))
    assert "U+200B" in refused.value.errors[0].message
