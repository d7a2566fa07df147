"""The CSV store's file and journal with units: a unit column only when some product has a
unit, journals written before units still replayed, a column the format lacks refused."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.csv_file import file_io, loader
from adapters.csv_file.storage import CsvStorage
from adapters.memory.index import Index
from domain import services
from domain.errors import StorageUnavailable
from domain.model import Product
from tests.adapters.test_csv_file import HEADER, opened, reopened, stood_still

DAY = dt.date(2025, 1, 31)


async def test_a_unit_is_a_column_of_the_file_only_while_a_product_has_one(
    tmp_path: Path,
) -> None:
    store = await opened(tmp_path / "inventory.csv")
    try:
        await services.create_product(store.unit_of_work(), "Flour", 1, unit="kg")
        await services.create_product(store.unit_of_work(), "Bolt", 2)
        await services.set_level(store.unit_of_work(), 1, DAY, 5)
        await store.fold()
        assert store.path.read_text(encoding="utf-8") == (
            "product_id;product_name;date;inventory_level;unit\n1;Flour;31-01-2025;5;kg\n2;Bolt;;;\n"
        )
        await services.change_product(store.unit_of_work(), 1, "Flour", unit="")
        await store.fold()
        assert store.path.read_text(encoding="utf-8") == (
            HEADER + "1;Flour;31-01-2025;5\n2;Bolt;;\n"
        )
    finally:
        await store.close()


async def test_a_unit_in_the_journal_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    store = await opened(path)
    try:
        await services.create_product(store.unit_of_work(), "Flour", 1, unit="k;g")
        await services.set_level(store.unit_of_work(), 1, DAY, 5)
        lines = store.journal.read_text(encoding="utf-8").splitlines()
        assert '1;Flour;;;"k;g"' in lines
        assert '1;Flour;31-01-2025;5;"k;g"' in lines
        async with reopened(path) as again, again.unit_of_work() as uow:
            assert await uow.products.all() == [Product(1, "Flour", "k;g")]
    finally:
        await store.close()


def sealed(body: str) -> str:
    return body + f"=;{body.count(chr(10))};;{zlib.crc32(body.encode()):08x}\n"


async def test_a_journal_written_before_units_is_replayed(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(HEADER + "1;Lamp;;\n", encoding="utf-8")
    stood_still(path)
    journal = path.with_name(path.name + ".journal")
    journal.write_text(HEADER + sealed("2;Desk;;\n1;Lamp;31-01-2025;4\n"), encoding="utf-8")
    async with reopened(path) as store, store.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, "Lamp"), Product(2, "Desk")]
        assert (await uow.inventory.get(1, DAY)) is not None


async def test_a_four_column_file_loads_and_is_written_back_byte_for_byte(
    tmp_path: Path,
) -> None:
    path = tmp_path / "inventory.csv"
    text = HEADER + "1;Lamp;02-01-2025;7\n1;Lamp;31-01-2025;4\n" + '2;"Semi;colon";;\n'
    path.write_text(text, encoding="utf-8")
    stood_still(path)
    async with reopened(path) as store:
        await services.set_level(store.unit_of_work(), 1, DAY, 5)
        await services.set_level(store.unit_of_work(), 1, DAY, 4)
        await store.fold()
        assert path.read_text(encoding="utf-8") == text


async def test_columns_are_read_by_their_names_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(
        "unit;inventory_level;date;product_name;product_id\nkg;5;31-01-2025;Flour;1\n;;;Bolt;2\n",
        encoding="utf-8",
    )
    stood_still(path)
    async with reopened(path) as store, store.unit_of_work() as uow:
        assert await uow.products.all() == [Product(1, "Flour", "kg"), Product(2, "Bolt")]
        record = await uow.inventory.get(1, DAY)
        assert record is not None
        assert record.level == 5


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("product_id;product_name;date;inventory_level;colour", "unknown column 'colour'"),
        ("product_id;product_name;date;inventory_level;unit;unit", "'unit' is named twice"),
        ("product_id;product_name;date", "first line must be"),
    ],
)
async def test_a_file_whose_header_the_format_lacks_is_refused_at_start(
    tmp_path: Path, header: str, reason: str
) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(header + "\n", encoding="utf-8")
    stood_still(path)
    with pytest.raises(StorageUnavailable, match=reason):
        await CsvStorage(path).open()


async def test_a_file_giving_one_product_two_units_is_refused_at_start(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    body = "1;Flour;30-01-2025;5;kg\n1;Flour;31-01-2025;5;g\n"
    path.write_text("product_id;product_name;date;inventory_level;unit\n" + body, encoding="utf-8")
    stood_still(path)
    with pytest.raises(StorageUnavailable, match="line 3: product 1 has the unit 'kg'"):
        await CsvStorage(path).open()


def loaded(read: Callable[[], Index]) -> object:
    """What a reading of a file gives: its products and levels, or the error it raised."""
    try:
        index = read()
    except StorageUnavailable as error:
        return str(error)
    return index.products, index.levels


# Mostly lines the fast reading takes (a product and a date seen before), with some that
# disagree with an earlier one (another name or unit) or that only the careful one reads.
lines_with_units = st.lists(
    st.tuples(
        st.sampled_from(["1;P1", "2;P2", "1;P1", "2;P2", "1;P2", "3;P3"]),
        st.sampled_from(["30-01-2025", "31-01-2025", "01-02-2025", "", "31-1-2025"]),
        st.sampled_from(["5", "5", "7", "", " 7", "0012", "x"]),
        st.sampled_from(["kg", "kg", "", " g", "'=x"]),
    ).map(";".join),
    max_size=16,
)


@settings(max_examples=300, deadline=None)
@given(lines_with_units, st.booleans())
# A product and a date both seen before, on a line that gives the product another unit.
@example(["1;P1;30-01-2025;5;kg", "2;P2;31-01-2025;5;kg", "1;P1;31-01-2025;5; g"], True)
# ... and on one that repeats a date of the product.
@example(["1;P1;30-01-2025;5;kg", "2;P2;31-01-2025;5;kg", "1;P1;30-01-2025;7;kg"], False)
def test_the_fast_reading_of_a_file_with_units_agrees_with_the_careful_one(
    lines: list[str], last_line_ended: bool
) -> None:
    text = "product_id;product_name;date;inventory_level;unit\n" + "\n".join(lines)
    text += "\n" if last_line_ended and lines else ""
    fast = loaded(lambda: loader.load_text(text, "f", file_io._add))
    careful = loaded(lambda: loader._load_checked(io.StringIO(text, newline=""), "f", file_io._add))
    assert fast == careful
