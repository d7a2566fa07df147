"""The inventory repository over SQL: the dialect's own statements, through the driver."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Iterator, Sequence
from contextlib import aclosing
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.exc import IntegrityError

from adapters.sql.dialect import Binds, Rows
from adapters.sql.errors import (
    RECORD_KEY,
    RECORD_OF_PRODUCT,
    DriverFailure,
    StorageFailure,
    broken_constraint,
    named_product,
    unavailable,
)
from adapters.sql.products import storable
from adapters.sql.tables import inventory_records, products
from adapters.sql.transaction import Transaction
from domain.changes import Origin
from domain.errors import DomainError, ProductNotFound
from domain.model import HistoryRow, InventoryRecord, RecordValues
from domain.ports import InventoryRepository

RECORDS = inventory_records.c
WRITE_BATCH = 10_000  # rows per statement: bounded memory for the parameters
RACES_RETRIED = 3
IDS_PER_QUERY = 1_000  # well under the bind-parameter limits (32766 SQLite, 32767 asyncpg)
SMALL_READ_PRODUCTS = 10  # up to ~11,000 rows: a few ms, fine to run on the event loop


class SqlInventoryRepository(InventoryRepository):
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction
        self._sql = transaction.dialect

    async def get(self, product_id: int, date: dt.date) -> InventoryRecord | None:
        if not storable(product_id):
            return None
        level = await self._sql.level(self._tx, product_id, date)
        return InventoryRecord(product_id, date, level) if level is not None else None

    async def history(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> list[HistoryRow]:
        if product_ids is None:
            return await self._history(None, start, end)
        rows: list[HistoryRow] = []
        for chunk in _chunks(sorted({pid for pid in product_ids if storable(pid)})):
            rows.extend(await self._history(chunk, start, end))
        return rows

    async def history_slices(
        self, product_ids: Sequence[int], start: dt.date | None, end: dt.date | None, rows: int
    ) -> AsyncGenerator[list[HistoryRow], None]:
        # One statement, its rows fetched a slice at a time on the unit of work's connection:
        # its snapshot is the read's. SQLite keeps the statement's read transaction until it
        # is done (WAL mode lets writers commit meanwhile); PostgreSQL's cursor keeps its
        # statement's snapshot inside the transaction. Over IDS_PER_QUERY products, one
        # statement (and snapshot) per IDS_PER_QUERY products. A few products are read whole,
        # as `history` does, on the reader: half the time of a pooled connection's cursor.
        wanted = sorted({pid for pid in product_ids if storable(pid)})
        if len(wanted) <= SMALL_READ_PRODUCTS:
            return _in_slices(await self._history(wanted, start, end), rows)
        return self._slices(list(_chunks(wanted)), start, end, rows)

    async def _slices(
        self, chunks: list[list[int]], start: dt.date | None, end: dt.date | None, rows: int
    ) -> AsyncGenerator[list[HistoryRow], None]:
        for chunk in chunks:
            sql, parameters = self._history_sql(chunk, start, end)
            async with aclosing(self._fetch(sql, parameters, rows)) as batches:  # its cursor
                async for batch in batches:  # closed now, while the connection is this one's
                    yield self._sql.history_rows(batch)

    async def _fetch(
        self, sql: str, parameters: Sequence[Any], rows: int
    ) -> AsyncGenerator[Rows, None]:
        """The rows of one statement, `rows` at a time, straight from the driver."""
        try:
            await self._tx.begin()
            driver = await self._tx.driver()
            async with aclosing(self._sql.fetch_slices(driver, sql, parameters, rows)) as slices:
                async for batch in slices:
                    yield batch
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error

    async def put(self, record: InventoryRecord) -> bool:
        # No savepoint (refusable) here, unlike put_many: the only refusal is the product having
        # been deleted meanwhile, which ends the use case anyway, and this is the interactive
        # write path, where a savepoint would cost two more round trips on PostgreSQL.
        try:
            return await self._sql.put(self._tx, record)
        except IntegrityError as error:
            raise await self._refusal([record.product_id], error) from None

    async def put_many(
        self,
        records: Sequence[RecordValues],
        origin: Origin,
        undoes: Sequence[int] | None = None,
    ) -> int:
        # A refused batch is undone whole on PostgreSQL (savepoint); on SQLite its rows before
        # the refused one stay in the transaction. Either way the caller rolls back on the
        # error, as the services do.
        # The driver's own statements: SQLAlchemy's executemany costs more per row than
        # the database does (a dictionary per row, then bind processing).
        shared = self._sql.origin(origin)
        self._tx.wrote(len(records))
        last_id = 0
        for start in range(0, len(records), WRITE_BATCH):
            batch = records[start : start + WRITE_BATCH]
            marks = undoes[start : start + WRITE_BATCH] if undoes is not None else None
            try:
                last_id = await self._write_batch(batch, marks, shared)
            except IntegrityError as error:
                raise await self._refusal([record[0] for record in batch], error) from None
        return last_id

    async def _write_batch(
        self, batch: Sequence[RecordValues], undoes: Sequence[int] | None, shared: list[Any]
    ) -> int:
        for attempt in range(RACES_RETRIED + 1):
            try:
                async with self._tx.refusable():
                    return await self._write_and_journal(batch, undoes, shared)
            except IntegrityError as error:
                if attempt == RACES_RETRIED or broken_constraint(error) != RECORD_KEY:
                    raise
        raise AssertionError("the last attempt returns or raises")

    async def _write_and_journal(
        self, batch: Sequence[RecordValues], undoes: Sequence[int] | None, shared: list[Any]
    ) -> int:
        marks: Sequence[int | None] = undoes if undoes is not None else [None] * len(batch)
        return await self._sql.write_and_journal(self._tx, batch, marks, shared)

    async def remove(self, product_id: int, date: dt.date) -> bool:
        if not storable(product_id):
            return False
        result = await self._tx.execute(delete(inventory_records).where(_key(product_id, date)))
        return result.rowcount > 0

    async def remove_many(self, keys: Sequence[tuple[int, dt.date]]) -> None:
        # As put_many: the driver's own bulk statement, one primary-key lookup per key.
        rows = [(pid, date) for pid, date in keys if storable(pid)]
        self._tx.wrote(len(rows))
        for start in range(0, len(rows), WRITE_BATCH):
            await self._sql.remove(self._tx, rows[start : start + WRITE_BATCH])

    async def _history(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> list[HistoryRow]:
        # The hot path (a product has about a thousand rows): the dialect's own SQL through
        # the driver, its rows made straight into domain rows.
        sql, parameters = self._history_sql(product_ids, start, end)
        small = product_ids is not None and len(product_ids) <= SMALL_READ_PRODUCTS
        return self._sql.history_rows(await self._tx.rows(sql, parameters, small))

    def _history_sql(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> tuple[str, list[Any]]:
        """SELECT the rows of these products (all when None) between the dates, in order."""
        conditions: list[str] = []
        bind = Binds(self._sql)
        if product_ids is not None:
            conditions.append(bind.one_of("r.product_id", product_ids))
        if start is not None:
            conditions.append(f"r.date >= {bind(start)}")
        if end is not None:
            conditions.append(f"r.date <= {bind(end)}")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return (
            "SELECT r.product_id, p.name, r.date, r.inventory_level FROM inventory_records r "
            f"JOIN products p ON p.id = r.product_id{where} ORDER BY r.product_id, r.date",
            bind.parameters,
        )

    async def _refusal(self, product_ids: Sequence[int], error: IntegrityError) -> DomainError:
        """The refusal explained: one of these products does not exist (any more)."""
        if broken_constraint(error) != RECORD_OF_PRODUCT:
            return unavailable(error)
        named = named_product(error)  # PostgreSQL names it; SQLite does not
        if named is not None:
            return ProductNotFound(named)
        wanted = sorted(set(product_ids))
        if len(wanted) == 1:
            return ProductNotFound(wanted[0])
        found: set[int] = set()  # SQLite, several products: ask which
        for chunk in _chunks(wanted):
            result = await self._tx.execute(select(products.c.id).where(products.c.id.in_(chunk)))
            found.update(result.scalars())
        missing = [product_id for product_id in wanted if product_id not in found]
        return ProductNotFound(missing[0]) if missing else unavailable(error)


def _key(product_id: int, date: dt.date) -> ColumnElement[bool]:
    return and_(RECORDS.product_id == product_id, RECORDS.date == date)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), IDS_PER_QUERY):
        yield ids[start : start + IDS_PER_QUERY]


async def _in_slices(rows: list[HistoryRow], size: int) -> AsyncGenerator[list[HistoryRow], None]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
