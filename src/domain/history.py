"""Use cases on the change history: read it, and undo an entry or a whole import."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
from domain.transfer import BATCH_ROWS

MAX_BLOCKED_LISTED = 100  # an undo blocked on a million records names the first hundred


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
        key = (change.product_id, change.date)
        current = await _current_levels(uow, {key: change.after})
        if change.before is None:
            await uow.inventory.remove(*key)
        else:
            await uow.inventory.put(InventoryRecord(*key, change.before))
        origin = Origin.now(author, Cause.UNDO)
        undo = (*key, current[key], change.before, change.id)
        last_id = await uow.changes.record(origin, [undo])
        await uow.commit()
    return Change(last_id, *undo, origin)


async def undo_import(uow: UnitOfWork, import_id: str, author: Author = SOMEONE) -> ImportUndone:
    """Restore every record an import touched to what it held before, all or nothing."""
    async with uow:
        entries = await uow.changes.of_import(import_id)
        if not entries:
            raise ImportNotFound(import_id)
        # A replace import may remove a record and then write it again: per record, undo
        # goes back to what the first entry found, from what the last one left.
        first: dict[tuple[int, dt.date], Change] = {}
        last: dict[tuple[int, dt.date], Change] = {}
        for entry in entries:
            key = (entry.product_id, entry.date)
            first.setdefault(key, entry)
            last[key] = entry
        del entries
        await _current_levels(uow, {key: entry.after for key, entry in last.items()})
        origin = Origin.now(author, Cause.UNDO)
        keys = list(first)
        last_id = 0
        for start in range(0, len(keys), BATCH_ROWS):
            batch = keys[start : start + BATCH_ROWS]
            gone = [key for key in batch if first[key].before is None]
            back = {key: level for key in batch if (level := first[key].before) is not None}
            if gone:
                await uow.inventory.remove_many(gone)
                removals = [(*key, last[key].after, None, last[key].id) for key in gone]
                last_id = await uow.changes.record(origin, removals)
            if back:
                restored: list[RecordValues] = [(*key, level) for key, level in back.items()]
                last_id = await uow.inventory.put_many(
                    restored, origin, [last[key].id for key in back]
                )
        await uow.commit()
    return ImportUndone(import_id, len(keys), last_id)


async def _current_levels(
    uow: UnitOfWork, expected: dict[tuple[int, dt.date], int | None]
) -> dict[tuple[int, dt.date], int | None]:
    """The stored level of each key; UndoConflict unless each is the one expected."""
    by_product: dict[int, list[dt.date]] = defaultdict(list)
    for product_id, date in expected:
        by_product[product_id].append(date)
    current: dict[tuple[int, dt.date], int | None] = {}
    blocked: list[Blocked] = []
    count = 0
    existing = {product.id for product in await uow.products.many(list(by_product))}
    for product_id, dates in sorted(by_product.items()):
        if product_id not in existing:
            date = min(dates)
            count += len(dates)
            if len(blocked) < MAX_BLOCKED_LISTED:
                blocked.append(Blocked(product_id, date, expected[product_id, date], None, False))
            continue
        rows = await uow.inventory.history([product_id], min(dates), max(dates))
        stored = {row.date: row.level for row in rows}
        for date in sorted(dates):
            level = current[product_id, date] = stored.get(date)
            if level != expected[product_id, date]:
                count += 1
                if len(blocked) < MAX_BLOCKED_LISTED:
                    blocked.append(Blocked(product_id, date, expected[product_id, date], level))
    if blocked:
        raise UndoConflict(blocked, count)
    return current
