"""The change history's rules, on the fakes: entries with every write, undo, paging."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import history, services, transfer
from domain.changes import Author, Cause, ChangeQuery
from domain.errors import InvalidValue, UndoConflict
from domain.flat_rows import FlatRow
from tests.domain.fakes import FakeUnitOfWork

DAY = dt.date(2025, 6, 1)
PRODUCTS = (1, 2, 3)
DATES = tuple(DAY + dt.timedelta(days=offset) for offset in range(4))


async def store_with(levels: dict[tuple[int, dt.date], int]) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for product_id in PRODUCTS:
        await services.create_product(uow, f"P{product_id}", product_id)
    for (product_id, date), level in levels.items():
        await services.set_level(uow, product_id, date, level)
    return uow


keys = st.tuples(st.sampled_from(PRODUCTS), st.sampled_from(DATES))
levels = st.integers(0, 50)
edits = st.one_of(
    st.tuples(st.just("set"), keys, levels),
    st.tuples(st.just("delete"), keys, st.none()),
    st.tuples(st.just("import"), st.dictionaries(keys, levels, min_size=1, max_size=5), st.none()),
)


@settings(max_examples=150, deadline=None)
@given(start=st.dictionaries(keys, levels, max_size=8), steps=st.lists(edits, max_size=12))
async def test_undoing_every_edit_newest_first_restores_the_store_exactly(
    start: dict[tuple[int, dt.date], int], steps: list[tuple[str, object, object]]
) -> None:
    uow = await store_with(start)
    original = dict(uow.committed_levels)
    first_new = len(uow.committed_changes) + 1
    for kind, target, level in steps:
        if kind == "set":
            await services.set_level(uow, *target, level)  # type: ignore[misc, arg-type]
        elif kind == "delete" and target in uow.committed_levels:
            await services.delete_level(uow, *target)  # type: ignore[misc]
        elif kind == "import":
            rows = [FlatRow(pid, f"P{pid}", date, lvl) for (pid, date), lvl in target.items()]  # type: ignore[attr-defined]
            await transfer.import_rows(uow, rows)
    made = [entry.id for entry in uow.committed_changes[first_new - 1 :]]
    for change_id in reversed(made):
        await history.undo_change(uow, change_id)
    assert uow.committed_levels == original
    assert len(uow.committed_changes) == first_new - 1 + 2 * len(made)


async def test_every_write_records_who_when_why_and_the_level_before() -> None:
    uow = await store_with({(1, DAY): 5})
    alice = Author("  alice ", "  weekly count ")
    await services.set_level(uow, 1, DAY, 7, author=alice)
    await services.delete_level(uow, 1, DAY, author=alice)
    deleted, edited = uow.committed_changes[-1], uow.committed_changes[-2]
    assert (edited.previous_level, edited.new_level, deleted.previous_level, deleted.new_level) == (
        5,
        7,
        7,
        None,
    )
    assert (edited.origin.actor, edited.origin.note, edited.origin.cause) == (
        "alice",
        "weekly count",
        Cause.EDIT,
    )
    assert edited.origin.at.tzinfo is dt.UTC


def test_authors_are_bounded_and_anonymous_by_default() -> None:
    assert Author().actor == "anonymous"
    assert Author("", "").note is None
    with pytest.raises(InvalidValue, match="note"):
        Author("x", "n" * 501)
    with pytest.raises(InvalidValue, match="actor"):
        Author("a\tb")


async def test_a_refused_write_records_nothing() -> None:
    uow = await store_with({(1, DAY): 5})
    entries = len(uow.committed_changes)
    with pytest.raises(UndoConflict):
        await services.set_level(uow, 1, DAY, 6)
        await history.undo_change(uow, 1)  # entry 1 left 5; the record holds 6 now
    assert len(uow.committed_changes) == entries + 1  # the edit, not a refused undo


async def test_pages_end_with_no_cursor() -> None:
    uow = await store_with({(1, date): 1 for date in DATES})
    first = await history.list_changes(uow, ChangeQuery(limit=3))
    assert [entry.id for entry in first.items] == [4, 3, 2]
    assert first.next_before_id == 2
    rest = await history.list_changes(uow, ChangeQuery(before_id=2, limit=3))
    assert ([entry.id for entry in rest.items], rest.next_before_id) == ([1], None)
    with pytest.raises(InvalidValue, match="limit"):
        await history.list_changes(uow, ChangeQuery(limit=0))


async def test_an_import_undo_checks_products_in_groups_and_lists_what_blocks_it_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(history, "CHECK_PRODUCTS", 2)  # five products: three reads
    uow = FakeUnitOfWork()
    rows = [FlatRow(pid, f"P{pid}", date, pid) for pid in range(1, 6) for date in DATES[:2]]
    report = await transfer.import_rows(uow, rows)
    assert report.import_id is not None
    await services.delete_product(uow, 3)
    await services.set_level(uow, 4, DATES[1], 40)
    await services.set_level(uow, 5, DATES[0], 50)  # in the last, smaller group
    with pytest.raises(UndoConflict) as refused:
        await history.undo_import(uow, report.import_id)
    blocked = [
        (b.product_id, b.date, b.current_level, b.product_exists) for b in refused.value.blocked
    ]
    assert blocked == [
        (3, DATES[0], None, False),
        (4, DATES[1], 40, True),
        (5, DATES[0], 50, True),
    ]
    assert refused.value.count == 4  # both records of product 3, one of 4 and one of 5
    await services.create_product(uow, "P3", 3)
    await services.set_level(uow, 4, DATES[1], 4)
    await services.set_level(uow, 5, DATES[0], 5)
    for date in DATES[:2]:
        await services.set_level(uow, 3, date, 3)
    undone = await history.undo_import(uow, report.import_id)
    assert undone.records_restored == 10
    assert uow.committed_levels == {}
