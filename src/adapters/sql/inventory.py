"""The inventory repository over SQL: upserts for writes, plain Core rows for history."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Iterator, Sequence
from contextlib import aclosing
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Boolean, ColumnElement, and_, delete, literal_column, select
from sqlalchemy.exc import IntegrityError

from adapters.sql import inventory_sql as statements
from adapters.sql.changes import origin_values
from adapters.sql.errors import DriverFailure, StorageFailure, unavailable
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
MAX_DATES_KEPT = 100_000  # ISO texts read back as dates, kept: a history repeats the same days
_DATES: dict[str, dt.date] = {}
IDS_PER_QUERY = 1_000  # well under the bind-parameter limits (32766 SQLite, 32767 asyncpg)
SMALL_READ_PRODUCTS = 10  # up to ~11,000 rows: a few ms, fine to run on the event loop


class SqlInventoryRepository(InventoryRepository):
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(self, product_id: int, date: dt.date) -> InventoryRecord | None:
        if not storable(product_id):
            return None
        if self._tx.is_postgresql:
            found = await self._tx.rows(statements.LEVEL_POSTGRESQL, [product_id, date])
        else:
            found = await self._tx.rows(statements.LEVEL_SQLITE, [product_id, date.isoformat()])
        return InventoryRecord(product_id, date, found[0][0]) if found else None

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
            sql, parameters = _history_sql(self._tx.is_postgresql, chunk, start, end)
            async with aclosing(self._fetch(sql, parameters, rows)) as batches:  # its cursor
                async for batch in batches:  # closed now, while the connection is this one's
                    yield self._history_rows(batch)

    async def _fetch(
        self, sql: str, parameters: Sequence[Any], rows: int
    ) -> AsyncGenerator[Sequence[Sequence[Any]], None]:
        """The rows of one statement, `rows` at a time, straight from the driver."""
        try:
            await self._tx.begin()
            driver = await self._tx.driver()
            if self._tx.is_postgresql:
                cursor = await driver.cursor(sql, *parameters)
                while batch := await cursor.fetch(rows):
                    yield batch
                return
            cursor = await driver.execute(sql, parameters)
            try:
                while batch := await cursor.fetchmany(rows):
                    yield batch
            finally:
                await cursor.close()
        except (*DriverFailure, *StorageFailure) as error:
            raise unavailable(error) from error

    async def put(self, record: InventoryRecord) -> bool:
        # No savepoint (refusable) here, unlike put_many: the only refusal is the product having
        # been deleted meanwhile, which ends the use case anyway, and this is the interactive
        # write path, where a savepoint would cost two more round trips on PostgreSQL.
        try:
            if self._tx.is_postgresql:
                return await self._upsert_telling_if_new(record)
            return await self._update_or_insert(record)
        except IntegrityError:
            raise ProductNotFound(record.product_id) from None

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
        shared = origin_values(origin, self._tx.is_postgresql)
        self._tx.wrote(len(records))
        last_id = 0
        for start in range(0, len(records), WRITE_BATCH):
            batch = records[start : start + WRITE_BATCH]
            marks = undoes[start : start + WRITE_BATCH] if undoes is not None else None
            try:
                last_id = await self._write_batch(batch, marks, shared)
            except IntegrityError as error:
                raise await self._missing_product(batch, error) from None
        return last_id

    async def _write_batch(
        self, batch: Sequence[RecordValues], undoes: Sequence[int] | None, shared: list[Any]
    ) -> int:
        for attempt in range(RACES_RETRIED + 1):
            try:
                async with self._tx.refusable():
                    return await self._write_and_journal(batch, undoes, shared)
            except IntegrityError as error:
                if attempt == RACES_RETRIED or not isinstance(
                    error.orig, asyncpg.UniqueViolationError
                ):
                    raise
        raise AssertionError("the last attempt returns or raises")

    async def _write_and_journal(
        self, batch: Sequence[RecordValues], undoes: Sequence[int] | None, shared: list[Any]
    ) -> int:
        marks: Sequence[int | None] = undoes if undoes is not None else [None] * len(batch)
        if self._tx.is_postgresql:
            columns = [list(column) for column in zip(*batch, strict=True)]
            parameters = [*columns, list(marks), *shared]
            found = await self._tx.write_returning(
                statements.WRITE_AND_JOURNAL_POSTGRESQL, parameters
            )
            return int(found[0][0])
        iso: dict[dt.date, str] = {}  # a batch repeats few days: each written once
        staged = [
            (pid, iso.get(day) or iso.setdefault(day, day.isoformat()), level, mark)
            for (pid, day, level), mark in zip(batch, marks, strict=True)
        ]
        await self._tx.write(statements.STAGING_SQLITE, [])
        await self._tx.write("DELETE FROM staged_records", [])
        await self._tx.write_rows(statements.STAGE_SQLITE, staged)
        await self._tx.write(statements.JOURNAL_STAGED_SQLITE, shared)
        await self._tx.write(statements.WRITE_STAGED_SQLITE, [])
        # The transaction holds SQLite's write lock: no other writer's ids.
        found = await self._tx.rows("SELECT max(id) FROM changes", [], small=False)
        return int(found[0][0])

    async def remove(self, product_id: int, date: dt.date) -> bool:
        if not storable(product_id):
            return False
        result = await self._tx.execute(delete(inventory_records).where(_key(product_id, date)))
        return result.rowcount > 0

    async def remove_many(self, keys: Sequence[tuple[int, dt.date]]) -> None:
        # As put_many: the driver's own bulk statement, one primary-key lookup per key.
        postgresql = self._tx.is_postgresql
        sql = statements.REMOVE_POSTGRESQL if postgresql else statements.REMOVE_SQLITE
        rows = [
            (pid, date if postgresql else date.isoformat()) for pid, date in keys if storable(pid)
        ]
        self._tx.wrote(len(rows))
        for start in range(0, len(rows), WRITE_BATCH):
            await self._tx.write_rows(sql, rows[start : start + WRITE_BATCH])

    async def _history(
        self, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
    ) -> list[HistoryRow]:
        # The hot path (a product has about a thousand rows): the dialect's own SQL through
        # the driver, its rows made straight into domain rows.
        sql, parameters = _history_sql(self._tx.is_postgresql, product_ids, start, end)
        small = product_ids is not None and len(product_ids) <= SMALL_READ_PRODUCTS
        return self._history_rows(await self._tx.rows(sql, parameters, small))

    def _history_rows(self, rows: Sequence[Sequence[Any]]) -> list[HistoryRow]:
        if self._tx.is_postgresql:  # asyncpg gives dates
            return [HistoryRow(pid, name, date, level) for pid, name, date, level in rows]
        dates = _DATES if len(_DATES) < MAX_DATES_KEPT else {}  # SQLite gives ISO text
        return [
            HistoryRow(pid, name, dates.get(day) or _day(dates, day), level)
            for pid, name, day, level in rows
        ]

    def _upsert(self) -> Any:
        statement = self._tx.insert(inventory_records)
        return statement.on_conflict_do_update(
            index_elements=[RECORDS.product_id, RECORDS.date],
            set_={"inventory_level": statement.excluded.inventory_level},
        )

    async def _upsert_telling_if_new(self, record: InventoryRecord) -> bool:
        # A row PostgreSQL has just inserted has no xmax; one it updated carries our xid.
        inserted = literal_column("xmax = 0", Boolean)
        result = await self._tx.execute(self._upsert().returning(inserted), _values(record))
        return bool(result.scalar_one())

    async def _update_or_insert(self, record: InventoryRecord) -> bool:
        # SQLite has no xmax. The transaction holds the database's write lock, so no other
        # writer can slip in between the UPDATE and the INSERT: "new" is exact.
        day = record.date.isoformat()
        if (
            await self._tx.write(statements.UPDATE_SQLITE, (record.level, record.product_id, day))
            > 0
        ):
            return False
        await self._tx.write(statements.INSERT_SQLITE, (record.product_id, day, record.level))
        return True

    async def _missing_product(
        self, batch: Sequence[RecordValues], error: IntegrityError
    ) -> DomainError:
        """The refusal explained: a product of the batch does not exist (any more)."""
        wanted = sorted({record[0] for record in batch})
        found: set[int] = set()
        for chunk in _chunks(wanted):
            result = await self._tx.execute(select(products.c.id).where(products.c.id.in_(chunk)))
            found.update(result.scalars())
        missing = [product_id for product_id in wanted if product_id not in found]
        return ProductNotFound(missing[0]) if missing else unavailable(error)


def _history_sql(
    postgresql: bool, product_ids: Sequence[int] | None, start: dt.date | None, end: dt.date | None
) -> tuple[str, list[Any]]:
    """SELECT the rows of these products (all when None) between the dates, in order."""
    conditions: list[str] = []
    parameters: list[Any] = []

    def bind(value: Any) -> str:
        parameters.append(value if postgresql or not isinstance(value, dt.date) else str(value))
        return f"${len(parameters)}" if postgresql else "?"

    if product_ids is not None:
        if postgresql:
            conditions.append(f"r.product_id = ANY({bind(list(product_ids))}::bigint[])")
        else:
            conditions.append(f"r.product_id IN ({', '.join(bind(pid) for pid in product_ids)})")
    if start is not None:
        conditions.append(f"r.date >= {bind(start)}")
    if end is not None:
        conditions.append(f"r.date <= {bind(end)}")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return (
        "SELECT r.product_id, p.name, r.date, r.inventory_level FROM inventory_records r "
        f"JOIN products p ON p.id = r.product_id{where} ORDER BY r.product_id, r.date",
        parameters,
    )


def _day(dates: dict[str, dt.date], text: str) -> dt.date:
    date = dates[text] = dt.date.fromisoformat(text)
    return date


def _key(product_id: int, date: dt.date) -> ColumnElement[bool]:
    return and_(RECORDS.product_id == product_id, RECORDS.date == date)


def _values(record: InventoryRecord) -> dict[str, Any]:
    return {
        "product_id": record.product_id,
        "date": record.date,
        "inventory_level": record.level,
    }


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), IDS_PER_QUERY):
        yield ids[start : start + IDS_PER_QUERY]


async def _in_slices(rows: list[HistoryRow], size: int) -> AsyncGenerator[list[HistoryRow], None]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
