"""The store check on the fakes: a store kept by Stockline is clean, each corruption is named."""

from __future__ import annotations

import datetime as dt

import pytest

from domain import check, history, services, transfer
from domain.changes import Change, ChangeQuery
from domain.check import Fault, Problem, StoreCheck, check_store
from domain.flat_rows import FlatRow
from domain.model import Product
from domain.transfer import ImportMode
from tests.domain.fakes import FakeChanges, FakeUnitOfWork

DAY = dt.date(2025, 6, 1)
LATER = dt.date(2025, 6, 2)


def rows(*records: tuple[int, dt.date, int]) -> list[FlatRow]:
    return [FlatRow(pid, f"P{pid}", date, level) for pid, date, level in records]


async def kept_store() -> FakeUnitOfWork:
    """Products 1-3 through edits, imports, undos and deletions: every write as Stockline does."""
    uow = FakeUnitOfWork()
    await transfer.import_rows(uow, rows((1, DAY, 5), (1, LATER, 6), (2, DAY, 7), (3, DAY, 8)))
    await services.set_level(uow, 1, DAY, 9)
    await services.delete_level(uow, 1, LATER)
    await services.set_level(uow, 1, LATER, 4)
    report = await transfer.import_rows(uow, rows((1, DAY, 1), (2, LATER, 2), (3, DAY, 3)))
    assert report.import_id is not None
    await history.undo_import(uow, report.import_id)
    await history.undo_change(uow, len(uow.committed_changes))  # undoes an undo
    await services.delete_product(uow, 3)
    return uow


def last_entry_of(uow: FakeUnitOfWork, product_id: int, date: dt.date) -> Change:
    return [c for c in uow.committed_changes if (c.product_id, c.date) == (product_id, date)][-1]


async def test_a_store_kept_by_stockline_has_no_problem() -> None:
    uow = await kept_store()
    found = await check_store(uow)
    assert found == StoreCheck(len(uow.committed_levels), len(uow.committed_changes))
    assert found.ok
    assert (found.records, found.entries) == (3, 15)


async def test_a_replace_import_and_its_undo_leave_no_problem() -> None:
    uow = await kept_store()
    replacing = rows((1, DAY, 1), (2, DAY, 2), (4, DAY, 1))
    report = await transfer.import_rows(uow, replacing, ImportMode.REPLACE)
    assert (await check_store(uow)).ok
    assert report.import_id is not None
    await history.undo_import(uow, report.import_id)
    assert (await check_store(uow)).ok


async def test_a_level_changed_without_an_entry_is_named() -> None:
    uow = await kept_store()
    entry = last_entry_of(uow, 2, DAY)
    uow.committed_levels[2, DAY] = 70
    found = await check_store(uow)
    assert found.problems == [Problem(Fault.CHANGED, 2, DAY, entry.id, 7, 70)]
    assert found.problem_count == 1


async def test_a_record_removed_without_an_entry_is_named() -> None:
    uow = await kept_store()
    entry = last_entry_of(uow, 1, LATER)
    del uow.committed_levels[1, LATER]
    assert (await check_store(uow)).problems == [
        Problem(Fault.REMOVED, 1, LATER, entry.id, 4, None)
    ]


async def test_a_record_stored_without_any_entry_is_named() -> None:
    uow = await kept_store()
    uow.committed_levels[2, dt.date(2024, 1, 1)] = 3
    found = await check_store(uow)
    assert found.problems == [Problem(Fault.UNRECORDED, 2, dt.date(2024, 1, 1), None, None, 3)]


async def test_an_entry_whose_before_is_not_what_the_one_before_left_is_named() -> None:
    uow = await kept_store()
    earlier, edit = [c for c in uow.committed_changes if (c.product_id, c.date) == (1, DAY)][:2]
    assert (earlier.new_level, edit.previous_level) == (5, 5)
    uow.committed_changes[edit.id - 1] = edit._replace(previous_level=6)
    found = await check_store(uow)
    assert found.problems == [Problem(Fault.BROKEN_CHAIN, 1, DAY, edit.id, 5, 6, earlier.id)]


async def test_a_first_entry_that_replaces_a_level_is_named() -> None:
    uow = await kept_store()
    first = uow.committed_changes[0]
    uow.committed_changes[0] = first._replace(previous_level=2)
    found = await check_store(uow)
    assert found.problems == [Problem(Fault.NOT_NEW, 1, DAY, first.id, None, 2)]


async def test_records_stranded_on_a_product_deleted_without_entries_are_named() -> None:
    uow = await kept_store()
    del uow.committed_products[2]
    del uow.committed_levels[2, DAY]
    entry = last_entry_of(uow, 2, DAY)
    found = await check_store(uow)
    assert found.problems == [Problem(Fault.STRANDED, 2, DAY, entry.id, 7, None)]


async def test_entry_ids_out_of_order_are_named() -> None:
    uow = await kept_store()
    entries = uow.committed_changes
    entries[3], entries[4] = entries[4], entries[3]  # find now gives id 4, then id 5
    moved = entries[3]
    found = await check_store(uow)
    assert found.problems == [Problem(Fault.ID_ORDER, moved.product_id, moved.date, 5, 4, 5)]


async def test_pages_and_slices_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "CHANGES_PAGE", 2)
    monkeypatch.setattr(check, "PRODUCTS_PER_READ", 1)
    uow = await kept_store()
    assert await check_store(uow) == StoreCheck(len(uow.committed_levels), 15)
    uow.committed_levels[1, DAY] += 1
    del uow.committed_levels[2, DAY]
    found = await check_store(uow)
    assert [(p.fault, p.product_id) for p in found.problems] == [
        (Fault.CHANGED, 1),
        (Fault.REMOVED, 2),
    ]


async def test_problems_are_all_counted_and_the_first_ones_kept() -> None:
    uow = FakeUnitOfWork()
    uow.committed_products = {1: Product(1, "P1")}
    uow.committed_levels = {(1, DAY + dt.timedelta(days=n)): n for n in range(5)}
    found = await check_store(uow, keep=2)
    assert (found.problem_count, len(found.problems), found.records) == (5, 2, 5)
    assert [p.date for p in found.problems] == [DAY, LATER]


async def test_progress_is_told_in_entries() -> None:
    told: list[tuple[int, int]] = []
    await check_store(
        await kept_store(), on_progress=lambda done, total: told.append((done, total))
    )
    assert told[-1] == (15, 15)


class RacingChanges(FakeChanges):
    """The first read of some products' entries sees an edit another writer committed after
    the records were read, as READ COMMITTED lets a later statement see."""

    def __init__(self, uow: RacingUnitOfWork, entries: list[Change]) -> None:
        super().__init__(entries)
        self.uow = uow

    async def find(self, query: ChangeQuery) -> list[Change]:
        if query.product_ids and not self.uow.raced:
            self.uow.raced = True
            origin = self.entries[-1].origin
            level = self.uow.committed_levels[1, DAY]
            edit = Change(len(self.entries) + 1, 1, DAY, level, level + 1, None, origin)
            self.entries.append(edit)
            self.uow.committed_changes.append(edit)
            self.uow.committed_levels[1, DAY] = level + 1
        return await super().find(query)


class RacingUnitOfWork(FakeUnitOfWork):
    raced = False

    async def __aenter__(self) -> RacingUnitOfWork:
        await super().__aenter__()
        self.changes = RacingChanges(self, self.changes.entries)
        return self


async def test_a_write_between_reading_records_and_entries_is_not_a_problem() -> None:
    kept, uow = await kept_store(), RacingUnitOfWork()
    uow.committed_products, uow.committed_levels = kept.committed_products, kept.committed_levels
    uow.committed_changes = kept.committed_changes
    found = await check_store(uow)
    assert uow.raced
    assert found.ok, found.problems
    assert (found.records, found.entries) == (len(uow.committed_levels), 15)
