"""Use cases on products and levels. Each opens its own unit of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing

from domain.changes import SOMEONE, Author, Cause, Origin, removals
from domain.errors import (
    InvalidValue,
    ProductChanged,
    ProductNotFound,
    RecordChanged,
    RecordNotFound,
)
from domain.model import (
    MAX_PRODUCT_ID,
    HistoryRow,
    InventoryRecord,
    Page,
    Product,
    ProductSummary,
    check_product_id,
    clean_name,
    clean_unit,
)
from domain.ports import UnitOfWork

RecordCheck = Callable[[InventoryRecord | None], bool]
"""Whether the record as stored now is the one the writer saw (None: there is none)."""
ProductCheck = Callable[[Product], bool]
"""Whether the product as stored now is the one the writer saw."""


async def list_products(uow: UnitOfWork, search: str | None, limit: int, offset: int) -> Page:
    """Products matching `search` (an id, or part of a name in any case), one page of them."""
    text = search.strip() if search else None
    async with uow:
        return await uow.products.search(text or None, limit, offset)


async def get_product(uow: UnitOfWork, product_id: int) -> ProductSummary:
    async with uow:
        summary = await uow.products.summary(product_id)
    if summary is None:
        raise ProductNotFound(product_id)
    return summary


async def create_product(
    uow: UnitOfWork, name: str, product_id: int | None = None, unit: str = ""
) -> Product:
    """Create a product, with the next free id when none is given."""
    async with uow:
        await uow.lock(product_id)  # None: the whole store, so that the next id stays free
        chosen = product_id if product_id is not None else await _next_free_id(uow)
        product = Product(chosen, clean_name(name), clean_unit(unit))
        await uow.products.add(product)
        await uow.commit()
    return product


async def change_product(
    uow: UnitOfWork,
    product_id: int,
    name: str,
    check: ProductCheck | None = None,
    unit: str | None = None,
) -> Product:
    """Give a product its new name, and its new unit unless `unit` is None (kept as it is)."""
    async with uow:
        await uow.lock(product_id)
        current = await _unchanged_product(uow, product_id, check)
        new_unit = current.unit if unit is None else clean_unit(unit)
        product = Product(product_id, clean_name(name), new_unit)
        await uow.products.update(product)
        await uow.commit()
    return product


async def delete_product(
    uow: UnitOfWork, product_id: int, check: ProductCheck | None = None, author: Author = SOMEONE
) -> None:
    """Delete a product with all its records, each removal kept in the history."""
    async with uow:
        await uow.lock(product_id)
        await _unchanged_product(uow, product_id, check)
        records = await uow.inventory.history([product_id], None, None)
        await uow.products.remove(product_id)
        if records:
            origin = Origin.now(author, Cause.PRODUCT_DELETION)
            await uow.changes.record(origin, removals(records))
        await uow.commit()


async def read_history(
    uow: UnitOfWork,
    product_ids: Sequence[int],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[HistoryRow]:
    """Records of these products within [start, end], by product id then date."""
    wanted = _history_query(product_ids, start, end)
    async with uow:
        await _check_products(uow, wanted)
        return await uow.inventory.history(wanted, start, end)


HISTORY_SLICE_ROWS = 10_000  # rows a streamed history read holds at a time: a few MB


async def stream_history(
    uow: UnitOfWork,
    product_ids: Sequence[int],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> AsyncGenerator[list[HistoryRow], None]:
    """As `read_history`, HISTORY_SLICE_ROWS rows at a time, all from one snapshot, so a read
    of any size holds a slice in memory. The products are checked here, before any slice:
    an unknown one is raised now, not half way through an answer.

    Close the slices (or read them to the end): until then the unit of work stays open.
    """
    wanted = _history_query(product_ids, start, end)
    slices = _history_slices(uow, wanted, start, end)
    await anext(slices)  # the check, with its error
    return slices


async def _history_slices(
    uow: UnitOfWork, wanted: list[int], start: dt.date | None, end: dt.date | None
) -> AsyncGenerator[list[HistoryRow], None]:
    async with uow:
        await _check_products(uow, wanted)
        reading = await uow.inventory.history_slices(wanted, start, end, HISTORY_SLICE_ROWS)
        yield []  # checked
        async with aclosing(reading):  # its cursor closed before the unit of work ends
            async for rows in reading:
                yield rows


def _history_query(
    product_ids: Sequence[int], start: dt.date | None, end: dt.date | None
) -> list[int]:
    """The products a history read asks for, in order, once each; its bad values raised."""
    if start is not None and end is not None and start > end:
        raise InvalidValue("start", f"{start.isoformat()} is after end {end.isoformat()}")
    for product_id in product_ids:
        check_product_id(product_id)
    return sorted(set(product_ids))


async def _check_products(uow: UnitOfWork, wanted: list[int]) -> None:
    found = await uow.products.many(wanted)
    if len(found) < len(wanted):
        raise ProductNotFound(min(set(wanted) - {product.id for product in found}))


async def set_level(
    uow: UnitOfWork,
    product_id: int,
    date: dt.date,
    level: int,
    check: RecordCheck | None = None,
    author: Author = SOMEONE,
) -> tuple[HistoryRow, bool]:
    """Create or replace the level of a product on a date; True when the record is new.

    With a `check`, the write happens only if the stored record still passes it, so two
    people editing from the same starting point cannot silently overwrite each other.
    """
    record = InventoryRecord(product_id, date, level)
    async with uow:
        await uow.lock(product_id)
        product = await _existing_product(uow, product_id)
        current = await _unchanged_record(uow, product_id, date, check)
        created = await uow.inventory.put(record)
        before = None if current is None else current.level
        change = (product_id, date, before, level, None)
        await uow.changes.record(Origin.now(author, Cause.EDIT), [change])
        await uow.commit()
    return HistoryRow(product.id, product.name, date, level), created


async def read_level(uow: UnitOfWork, product_id: int, date: dt.date) -> HistoryRow:
    async with uow:
        product = await _existing_product(uow, product_id)
        record = await uow.inventory.get(product_id, date)
    if record is None:
        raise RecordNotFound(product_id, date)
    return HistoryRow(product.id, product.name, date, record.level)


async def delete_level(
    uow: UnitOfWork,
    product_id: int,
    date: dt.date,
    check: RecordCheck | None = None,
    author: Author = SOMEONE,
) -> None:
    async with uow:
        await uow.lock(product_id)
        await _existing_product(uow, product_id)
        current = await _unchanged_record(uow, product_id, date, check)
        if current is None or not await uow.inventory.remove(product_id, date):
            raise RecordNotFound(product_id, date)
        change = (product_id, date, current.level, None, None)
        await uow.changes.record(Origin.now(author, Cause.EDIT), [change])
        await uow.commit()


async def _next_free_id(uow: UnitOfWork) -> int:
    chosen = await uow.products.next_id()
    if chosen > MAX_PRODUCT_ID:
        raise InvalidValue(
            "product_id",
            f"the largest id in use is {MAX_PRODUCT_ID}, the highest there is: give a free one",
        )
    return chosen


async def _existing_product(uow: UnitOfWork, product_id: int) -> Product:
    product = await uow.products.get(product_id)
    if product is None:
        raise ProductNotFound(product_id)
    return product


async def _unchanged_product(
    uow: UnitOfWork, product_id: int, check: ProductCheck | None
) -> Product:
    product = await _existing_product(uow, product_id)
    if check is not None and not check(product):
        raise ProductChanged(product)
    return product


async def _unchanged_record(
    uow: UnitOfWork, product_id: int, date: dt.date, check: RecordCheck | None
) -> InventoryRecord | None:
    """The record as stored now, when it passes the check."""
    current = await uow.inventory.get(product_id, date)
    if check is not None and not check(current):
        raise RecordChanged(product_id, date, None if current is None else current.level)
    return current
