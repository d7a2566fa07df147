"""Use cases on the change history: read it, and undo an entry or a whole import."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from domain.changes import (
    MAX_CHANGES_PAGE,
    SOMEONE,
    Author,
    Cause,
    Change,
    ChangeQuery,
    Origin,
)
from domain.errors import Blocked, ChangeNotFound, ImportNotFound, InvalidValue, UndoConflict
from domain.model import InventoryRecord, RecordValues, check_product_id
from domain.ports import UnitOfWork
from domain.transfer import BATCH_ROWS, Progress

MAX_BLOCKED_LISTED = 100  # an undo blocked on a million records names the first hundred
IMPORT_PAGE = 50_000  # entries of an import read at once
CHECK_PRODUCTS = 100  # products whose records an undo checks with one read


@dataclass(frozen=True, slots=True)
class ChangePage:
    items: list[Change]
    next_before_id: int | None  # pass as `before_id` for the next page; None: this is the last


@dataclass(frozen=True, slots=True)
class ImportUndone:
    import_id: str
    records_restored: int
    last_change_id: int


async def list_changes(uow: UnitOfWork, query: ChangeQuery) -> ChangePage:
    if not 1 <= query.limit <= MAX_CHANGES_PAGE:
        raise InvalidValue("limit", f"must be between 1 and {MAX_CHANGES_PAGE}")
    if query.start is not None and query.end is not None and query.start > query.end:
        raise InvalidValue("start", f"{query.start.isoformat()} is after end {query.end}")
    for product_id in query.product_ids:
        check_product_id(product_id)
    async with uow:  # one more than asked: whether another page follows
        found = await uow.changes.find(replace(query, limit=query.limit + 1))
    if len(found) > query.limit:
        return ChangePage(found[: query.limit], found[query.limit - 1].id)
    return ChangePage(found, None)


async def undo_change(uow: UnitOfWork, change_id: int, author: Author = SOMEONE) -> Change:
    """Put back what the entry replaced, as a new entry; refuse if the record moved on since."""
    async with uow:
        change = await uow.changes.get(change_id)
        if change is None:
            raise ChangeNotFound(change_id)
        await uow.lock(change.product_id)  # entries never change: read before it is enough
        key = (change.product_id, change.date)
        await _check_levels(uow, {change.product_id: {change.date: change.new_level}})
        if change.previous_level is None:
            await uow.inventory.remove(*key)
        else:
            await uow.inventory.put(InventoryRecord(*key, change.previous_level))
        origin = Origin.now(author, Cause.UNDO)
        undo = (*key, change.new_level, change.previous_level, change.id)
        last_id = await uow.changes.record(origin, [undo])
        await uow.commit()
    return Change(last_id, *undo, origin)


async def undo_import(
    uow: UnitOfWork,
    import_id: str,
    author: Author = SOMEONE,
    on_progress: Progress | None = None,
) -> ImportUndone:
    """Restore every record an import touched to what it held before, all or nothing."""
    async with uow:
        left, found = await _read_import(uow, import_id)
        if not left:
            raise ImportNotFound(import_id)
        await uow.lock()  # after reading the entries, which never change: writers wait less
        await _check_levels(uow, left)
        origin = Origin.now(author, Cause.UNDO)
        total = sum(map(len, found.values()))
        done = last_id = 0
        for batch in _batches(found):
            gone = [(pid, date, last) for pid, date, before, last in batch if before is None]
            back = [
                (pid, date, before, last) for pid, date, before, last in batch if before is not None
            ]
            if gone:
                await uow.inventory.remove_many([(pid, date) for pid, date, _ in gone])
                removals = [(pid, date, left[pid][date], None, last) for pid, date, last in gone]
                last_id = await uow.changes.record(origin, removals)
            if back:
                restored: list[RecordValues] = [(pid, date, level) for pid, date, level, _ in back]
                last_id = await uow.inventory.put_many(
                    restored, origin, [last for *_, last in back]
                )
            done += len(batch)
            if on_progress is not None:
                on_progress(done, total)
        await uow.commit()
    return ImportUndone(import_id, total, last_id)


Key = tuple[int, dt.date]
# Per product and date: the level an import's last entry there left (what undo expects to
# find), and what its first entry found with the last entry's id (what undo puts back).
Left = dict[int, dict[dt.date, int | None]]
Found = dict[int, dict[dt.date, tuple[int | None, int]]]


async def _read_import(uow: UnitOfWork, import_id: str) -> tuple[Left, Found]:
    """The import's entries folded per record, read a page at a time: a million entries
    as objects would cost another 200 MB."""
    left: Left = defaultdict(dict)
    found: Found = defaultdict(dict)
    after = 0
    while True:
        page = await uow.changes.of_import(import_id, after, IMPORT_PAGE)
        for entry in page:
            # A replace import may remove a record and then write it again: per record, undo
            # goes back to what the first entry found, from what the last one left.
            first = found[entry.product_id].get(entry.date)
            before = entry.previous_level if first is None else first[0]
            found[entry.product_id][entry.date] = (before, entry.id)
            left[entry.product_id][entry.date] = entry.new_level
        if len(page) < IMPORT_PAGE:
            return left, found
        after = page[-1].id


def _batches(found: Found) -> Iterator[list[tuple[int, dt.date, int | None, int]]]:
    """(product, date, level to put back, id of the entry undone), BATCH_ROWS at a time."""
    batch: list[tuple[int, dt.date, int | None, int]] = []
    for product_id, dates in sorted(found.items()):
        for date, (before, last) in sorted(dates.items()):
            batch.append((product_id, date, before, last))
            if len(batch) == BATCH_ROWS:
                yield batch
                batch = []
    if batch:
        yield batch


async def _check_levels(
    uow: UnitOfWork, expected: Mapping[int, Mapping[dt.date, int | None]]
) -> None:
    """UndoConflict unless each record holds the level expected (None: no record)."""
    blocked: list[Blocked] = []
    count = 0
    existing = {product.id for product in await uow.products.many(list(expected))}
    for group in _groups(sorted(expected.items())):
        stored = await _stored_levels(uow, [item for item in group if item[0] in existing])
        for product_id, levels in group:
            if product_id not in existing:
                date = min(levels)
                count += len(levels)
                if len(blocked) < MAX_BLOCKED_LISTED:
                    blocked.append(Blocked(product_id, date, levels[date], None, False))
                continue
            for date in sorted(levels):
                level = stored.get((product_id, date))
                if level != levels[date]:
                    count += 1
                    if len(blocked) < MAX_BLOCKED_LISTED:
                        blocked.append(Blocked(product_id, date, levels[date], level))
    if blocked:
        raise UndoConflict(blocked, count)


Expected = tuple[int, Mapping[dt.date, int | None]]


def _groups(items: list[Expected]) -> Iterator[list[Expected]]:
    """Products read together: up to CHECK_PRODUCTS of them, or BATCH_ROWS records. One
    read per product cost an import of 100,000 products 100,000 queries."""
    group: list[Expected] = []
    records = 0
    for item in items:
        group.append(item)
        records += len(item[1])
        if len(group) == CHECK_PRODUCTS or records >= BATCH_ROWS:
            yield group
            group, records = [], 0
    if group:
        yield group


async def _stored_levels(uow: UnitOfWork, group: list[Expected]) -> dict[Key, int]:
    """The records of these products between the first and last dates expected of them."""
    if not group:
        return {}
    start = min(min(levels) for _, levels in group)
    end = max(max(levels) for _, levels in group)
    rows = await uow.inventory.history([product_id for product_id, _ in group], start, end)
    return {(row.product_id, row.date): row.level for row in rows}
