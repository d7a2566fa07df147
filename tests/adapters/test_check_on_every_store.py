"""The store check, unchanged, on every adapter: clean after Stockline's own writes, and each
write made through a port without its entry found, however small its pages and slices."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.storage import Storage
from domain import check, history, services, transfer
from domain.changes import ChangeQuery
from domain.check import Fault, check_store
from domain.flat_rows import FlatRow
from domain.model import InventoryRecord

DAY = dt.date(2025, 3, 1)


def day(offset: int) -> dt.date:
    return DAY + dt.timedelta(days=offset)


async def written_by_stockline(storage: Storage) -> None:
    """Five products through an import, edits, a removal, an undo and a product deletion."""
    rows = [FlatRow(pid, f"P{pid}", day(n), pid * 10 + n) for pid in range(1, 6) for n in range(4)]
    await transfer.import_rows(storage.unit_of_work(), rows)
    await services.set_level(storage.unit_of_work(), 1, day(0), 99)
    await services.delete_level(storage.unit_of_work(), 2, day(1))
    edited, _ = await services.set_level(storage.unit_of_work(), 3, day(9), 7)
    page = await history.list_changes(storage.unit_of_work(), ChangeQuery(limit=1))
    await history.undo_change(storage.unit_of_work(), page.items[0].id)
    await services.delete_product(storage.unit_of_work(), 5)
    assert edited.level == 7


@pytest.fixture(params=["whole", "paged"])
def pages(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """As configured, or in pages of 3 entries and slices of 2 products."""
    if request.param == "paged":
        monkeypatch.setattr(check, "CHANGES_PAGE", 3)
        monkeypatch.setattr(check, "PRODUCTS_PER_READ", 2)


@pytest.mark.usefixtures("pages")
async def test_a_store_written_by_stockline_has_no_problem(storage: Storage) -> None:
    await written_by_stockline(storage)
    found = await check_store(storage.unit_of_work())
    assert (found.records, found.entries, found.problems) == (15, 28, [])


@pytest.mark.usefixtures("pages")
async def test_writes_without_their_entries_are_found(storage: Storage) -> None:
    await written_by_stockline(storage)
    async with storage.unit_of_work() as uow:
        await uow.inventory.put(InventoryRecord(1, day(1), 5))  # was 11
        await uow.inventory.remove(3, day(2))
        await uow.inventory.put(InventoryRecord(4, day(7), 1))
        await uow.products.remove(2)
        await uow.commit()
    found = await check_store(storage.unit_of_work())
    assert [(p.fault, p.product_id, p.date, p.expected, p.found) for p in found.problems] == [
        (Fault.CHANGED, 1, day(1), 11, 5),
        (Fault.STRANDED, 2, day(0), 20, None),
        (Fault.STRANDED, 2, day(2), 22, None),
        (Fault.STRANDED, 2, day(3), 23, None),
        (Fault.REMOVED, 3, day(2), 32, None),
        (Fault.UNRECORDED, 4, day(7), None, 1),
    ]
    assert (found.records, found.entries) == (12, 28)
