"""SQLite through aiosqlite: `?` placeholders, ISO text for dates and times, staged bulk writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.dialects import sqlite

from adapters.sql.dialect import Dialect, Rows, changes_from
from domain.changes import Change, LevelChange, Origin
from domain.model import HistoryRow, InventoryRecord, RecordValues

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from adapters.sql.transaction import Transaction
    from adapters.sql.write_queue import WriteQueue

MAX_DATES_KEPT = 100_000  # ISO texts read back as dates, kept: a history repeats the same days
_DATES: dict[str, dt.date] = {}
# The interactive write path, one round trip each to aiosqlite's thread: SQLAlchemy's statements
# take three or four (a cursor, the statement, its rows, closing the cursor).
LEVEL = "SELECT inventory_level FROM inventory_records WHERE product_id = ? AND date = ?"
UPDATE = "UPDATE inventory_records SET inventory_level = ? WHERE product_id = ? AND date = ?"
INSERT = "INSERT INTO inventory_records (product_id, date, inventory_level) VALUES (?, ?, ?)"
REMOVE = "DELETE FROM inventory_records WHERE product_id = ? AND date = ?"
# A bulk write and its history entries: the records are staged once, then one statement
# journals them (the level each replaces found by a join, not read first) and another
# writes them: faster than an executemany into each table (bench/results/design-timings.md).
STAGING_RECORDS = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_records "
    "(product_id INTEGER, date TEXT, level INTEGER, undoes INTEGER)"
)
STAGE_RECORD = "INSERT INTO staged_records VALUES (?, ?, ?, ?)"
JOURNAL_STAGED_RECORDS = (
    "INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT s.product_id, s.date, r.inventory_level, s.level, s.undoes, ?, ?, ?, ?, ? "
    "FROM staged_records s LEFT JOIN inventory_records r "
    "ON r.product_id = s.product_id AND r.date = s.date ORDER BY s.rowid"
)
WRITE_STAGED_RECORDS = (
    "INSERT INTO inventory_records (product_id, date, inventory_level) "
    "SELECT product_id, date, level FROM staged_records WHERE true "
    "ON CONFLICT (product_id, date) DO UPDATE SET inventory_level = excluded.inventory_level"
)
# History entries: a large batch goes first into a temporary table, then into `changes` with
# one INSERT ... SELECT, which updates the indexes in bulk: faster than executemany straight
# into `changes` or one JSON text per batch (bench/results/design-timings.md).
# A small batch (an edit) goes straight in: the staging would cost it three statements more.
STAGE_FROM = 100
INSERT_CHANGE = (
    "INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
STAGING_CHANGES = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_changes "
    "(product_id INTEGER, date TEXT, level_before INTEGER, level_after INTEGER, undoes INTEGER)"
)
STAGE_CHANGE = "INSERT INTO staged_changes VALUES (?, ?, ?, ?, ?)"
UNSTAGE_CHANGES = (
    "INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT product_id, date, level_before, level_after, undoes, ?, ?, ?, ?, ? "
    "FROM staged_changes ORDER BY rowid"
)
# The transaction holds SQLite's write lock since its first write: no other writer's ids.
LAST_CHANGE = "SELECT max(id) FROM changes"


class SqliteDialect(Dialect):
    """SQLite: one writer at a time, which locks the whole database with `BEGIN IMMEDIATE`
    before its first read; with a `queue`, this process's writers take turns for it first."""

    def __init__(self, queue: WriteQueue | None = None) -> None:
        self._queue = queue

    async def lock(self, tx: Transaction, product_id: int | None, wait_s: float) -> None:
        if self._queue is not None:
            await self._queue.take(tx, wait_s)
        await (await tx.connection()).exec_driver_sql("BEGIN IMMEDIATE")

    async def begin_reading(self, tx: Transaction) -> None:
        """A statement keeps its read snapshot until it is done, in a transaction or not."""

    async def end(self, tx: Transaction, commit: bool) -> None:
        """SQLAlchemy's commit or rollback ends what `BEGIN IMMEDIATE` began."""

    async def in_transaction(self, tx: Transaction) -> bool:
        return bool((await tx.driver()).in_transaction)  # sqlite3's own flag, no trip

    async def roll_back(self, tx: Transaction) -> None:
        # the driver's: SQLAlchemy's knows nothing after a failed COMMIT
        await (await tx.driver()).rollback()

    def released(self, tx: Transaction) -> None:
        if self._queue is not None:
            self._queue.give_back(tx)

    async def refresh_statistics(self, connection: AsyncConnection) -> None:
        """SQLite plans without them."""

    @asynccontextmanager
    async def refusable(self, tx: Transaction) -> AsyncIterator[None]:
        # SQLite undoes only the failed statement, and in the sqlite3 driver's legacy mode a
        # SAVEPOINT opened before the first write would commit on its own: none here.
        yield

    def insert(self, table: Table) -> sqlite.Insert:
        return sqlite.insert(table)

    async def fetch(self, driver: Any, sql: str, parameters: Sequence[Any]) -> Rows:
        return list(await driver.execute_fetchall(sql, parameters))

    async def run(self, driver: Any, sql: str, parameters: Sequence[Any]) -> int:
        return (await driver.execute(sql, parameters)).rowcount  # type: ignore[no-any-return]

    async def run_many(self, driver: Any, sql: str, rows: Rows) -> None:
        await driver.executemany(sql, rows)  # once per row, one trip to aiosqlite's thread

    async def fetch_slices(
        self, driver: Any, sql: str, parameters: Sequence[Any], rows: int
    ) -> AsyncGenerator[Rows, None]:
        cursor = await driver.execute(sql, parameters)
        try:
            while batch := await cursor.fetchmany(rows):
                yield batch
        finally:
            await cursor.close()

    def placeholder(self, number: int) -> str:
        return "?"

    def parameter(self, value: Any) -> Any:
        return str(value) if isinstance(value, dt.date) else value

    def one_of(self, column: str, ids: Sequence[int], bind: Callable[[Any], str]) -> str:
        return f"{column} IN ({', '.join(bind(pid) for pid in ids)})"

    def insert_many(self, table: str, columns: Sequence[tuple[str, str]]) -> str:
        names, marks = ", ".join(name for name, _ in columns), ", ".join("?" * len(columns))
        return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"

    def origin(self, origin: Origin) -> list[Any]:
        # SQLAlchemy's text for a DateTime on SQLite (naive, here UTC)
        at = origin.at.replace(tzinfo=None).isoformat(" ", "microseconds")
        return [at, origin.actor, origin.cause.value, origin.import_id, origin.note]

    async def level(self, tx: Transaction, product_id: int, date: dt.date) -> int | None:
        found = await tx.rows(LEVEL, [product_id, date.isoformat()])
        return found[0][0] if found else None

    async def put(self, tx: Transaction, record: InventoryRecord) -> bool:
        # SQLite has no xmax. The transaction holds the database's write lock, so no other
        # writer can slip in between the UPDATE and the INSERT: "new" is exact.
        day = record.date.isoformat()
        if await tx.write(UPDATE, (record.level, record.product_id, day)) > 0:
            return False
        await tx.write(INSERT, (record.product_id, day, record.level))
        return True

    async def write_and_journal(
        self,
        tx: Transaction,
        batch: Sequence[RecordValues],
        undoes: Sequence[int | None],
        shared: Sequence[Any],
    ) -> int:
        iso: dict[dt.date, str] = {}  # a batch repeats few days: each written once
        staged = [
            (pid, iso.get(day) or iso.setdefault(day, day.isoformat()), level, mark)
            for (pid, day, level), mark in zip(batch, undoes, strict=True)
        ]
        await tx.write(STAGING_RECORDS, [])
        await tx.write("DELETE FROM staged_records", [])
        await tx.write_rows(STAGE_RECORD, staged)
        await tx.write(JOURNAL_STAGED_RECORDS, shared)
        await tx.write(WRITE_STAGED_RECORDS, [])
        found = await tx.rows(LAST_CHANGE, [], small=False)
        return int(found[0][0])

    async def remove(self, tx: Transaction, keys: Sequence[tuple[int, dt.date]]) -> None:
        await tx.write_rows(REMOVE, [(pid, date.isoformat()) for pid, date in keys])

    def history_rows(self, rows: Rows) -> list[HistoryRow]:
        dates = _DATES if len(_DATES) < MAX_DATES_KEPT else {}
        return [
            HistoryRow(pid, name, dates.get(day) or _remember(dates, day), level)
            for pid, name, day, level in rows
        ]

    async def append(self, tx: Transaction, origin: Origin, batch: Sequence[LevelChange]) -> int:
        shared = self.origin(origin)
        iso: dict[dt.date, str] = {}  # a batch repeats few days: each written once
        rows = [
            (pid, iso.get(date) or iso.setdefault(date, date.isoformat()), before, after, undoes)
            for pid, date, before, after, undoes in batch
        ]
        if len(rows) == 1:  # an edit's one entry: its id in the same round trip
            found = await tx.write_returning(f"{INSERT_CHANGE} RETURNING id", [*rows[0], *shared])
            return int(found[0][0])
        if len(rows) < STAGE_FROM:
            await tx.write_rows(INSERT_CHANGE, [(*row, *shared) for row in rows])
        else:
            await tx.write(STAGING_CHANGES, [])
            await tx.write("DELETE FROM staged_changes", [])
            await tx.write_rows(STAGE_CHANGE, rows)
            await tx.write(UNSTAGE_CHANGES, shared)
        found = await tx.rows(LAST_CHANGE, [], small=False)
        return int(found[0][0])

    def changes(self, rows: Rows) -> list[Change]:
        dates: dict[str, dt.date] = {}

        def date_of(text: str) -> dt.date:
            return dates.get(text) or _remember(dates, text)

        return changes_from(rows, date_of, dt.datetime.fromisoformat)  # naive: UTC


def _remember(dates: dict[str, dt.date], text: str) -> dt.date:
    date = dates[text] = dt.date.fromisoformat(text)
    return date
