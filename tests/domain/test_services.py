from __future__ import annotations

import datetime as dt

import pytest

from domain import services
from domain.errors import DuplicateProduct, InvalidValue, ProductNotFound, RecordNotFound
from domain.model import HistoryRow, Product
from tests.domain.fakes import FakeUnitOfWork

DAY = dt.date(2025, 6, 1)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def test_create_assigns_the_next_free_id_and_commits(uow: FakeUnitOfWork) -> None:
    await services.create_product(uow, "Blue", 7)
    created = await services.create_product(uow, "  Red ")
    assert created == Product(8, "Red")
    assert uow.committed_products == {7: Product(7, "Blue"), 8: Product(8, "Red")}
    assert uow.commits == 2


async def test_a_name_taken_in_another_case_is_refused_and_nothing_committed(
    uow: FakeUnitOfWork,
) -> None:
    await services.create_product(uow, "Blue")
    with pytest.raises(DuplicateProduct):
        await services.create_product(uow, "BLUE")
    assert uow.committed_products == {1: Product(1, "Blue")}


async def test_rename_and_delete_need_an_existing_product(uow: FakeUnitOfWork) -> None:
    with pytest.raises(ProductNotFound):
        await services.change_product(uow, 3, "X")
    with pytest.raises(ProductNotFound):
        await services.delete_product(uow, 3)
    assert uow.commits == 0


async def test_set_level_creates_then_replaces(uow: FakeUnitOfWork) -> None:
    await services.create_product(uow, "Blue")
    assert await services.set_level(uow, 1, DAY, 4) == (HistoryRow(1, "Blue", DAY, 4), True)
    assert await services.set_level(uow, 1, DAY, 9) == (HistoryRow(1, "Blue", DAY, 9), False)
    assert uow.committed_levels == {(1, DAY): 9}


async def test_a_level_for_an_unknown_product_is_refused(uow: FakeUnitOfWork) -> None:
    with pytest.raises(ProductNotFound):
        await services.set_level(uow, 1, DAY, 4)
    assert uow.committed_levels == {}


async def test_deleting_a_missing_record_says_so(uow: FakeUnitOfWork) -> None:
    await services.create_product(uow, "Blue")
    with pytest.raises(RecordNotFound, match="2025-06-01"):
        await services.delete_level(uow, 1, DAY)


async def test_history_checks_products_and_the_range(uow: FakeUnitOfWork) -> None:
    await services.create_product(uow, "Blue")
    await services.set_level(uow, 1, DAY, 4)
    assert await services.read_history(uow, [1, 1], DAY, DAY) == [HistoryRow(1, "Blue", DAY, 4)]
    with pytest.raises(ProductNotFound):
        await services.read_history(uow, [1, 2])
    with pytest.raises(InvalidValue, match="after"):
        await services.read_history(uow, [1], DAY, DAY - dt.timedelta(days=1))


async def test_a_streamed_history_comes_in_slices_in_order_after_its_check(
    uow: FakeUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "HISTORY_SLICE_ROWS", 3)
    for name in ("Blue", "Red"):
        await services.create_product(uow, name)
    days = [DAY + dt.timedelta(days=n) for n in range(4)]
    for product_id in (2, 1):
        for level, day in enumerate(days):
            await services.set_level(uow, product_id, day, level)
    slices = await services.stream_history(uow, [2, 1, 2])
    read = [rows async for rows in slices]
    assert [len(rows) for rows in read] == [3, 3, 2]
    flat = [row for rows in read for row in rows]
    assert flat == await services.read_history(uow, [1, 2])
    assert [(row.product_id, row.date) for row in flat] == [(p, d) for p in (1, 2) for d in days]
    with pytest.raises(ProductNotFound):  # before any slice: the answer has not begun
        await services.stream_history(uow, [1, 3])
    with pytest.raises(InvalidValue, match="after"):
        await services.stream_history(uow, [1], DAY, DAY - dt.timedelta(days=1))


async def test_get_product_summarises_its_records(uow: FakeUnitOfWork) -> None:
    await services.create_product(uow, "Blue")
    await services.set_level(uow, 1, DAY, 4)
    await services.set_level(uow, 1, DAY - dt.timedelta(days=3), 8)
    summary = await services.get_product(uow, 1)
    assert (summary.record_count, summary.latest and summary.latest.level) == (2, 4)
