"""The change history over SQL: one row per entry, appended in bulk through the driver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from adapters.sql.transaction import Transaction
from domain.changes import Cause, Change, ChangeQuery, LevelChange, Origin
from domain.ports import ChangeRepository

MAX_ID = 2**63 - 1  # a BIGINT; PostgreSQL refuses a larger parameter, none can match anyway
WRITE_BATCH = 10_000  # rows per statement: bounded memory for the parameters
COLUMNS = (
    "id, product_id, date, level_before, level_after, undoes, at, actor, cause, import_id, note"
)
# SQLite: a large batch goes first into a temporary table, then into `changes` with one
# INSERT ... SELECT, which updates the indexes in bulk: faster than executemany straight into
# `changes` or one JSON text per batch (bench/results/design-timings.md).
# A small batch (an edit) goes straight in: the staging would cost it three statements more.
STAGE_FROM = 100
STAGING_SQLITE = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_changes "
    "(product_id INTEGER, date TEXT, level_before INTEGER, level_after INTEGER, undoes INTEGER)"
)
INSERT_SQLITE = (
    "INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
STAGE_SQLITE = "INSERT INTO staged_changes VALUES (?, ?, ?, ?, ?)"
UNSTAGE_SQLITE = (
    "INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT product_id, date, level_before, level_after, undoes, ?, ?, ?, ?, ? "
    "FROM staged_changes ORDER BY rowid"
)
# RETURNING gives this statement's own ids, whatever other transactions take from the
# sequence meanwhile; the ordering numbers them in the order of the entries.
INSERT_POSTGRESQL = (
    "WITH written AS (INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT e.product_id, e.date, e.level_before, e.level_after, e.undoes, "
    "$6::timestamptz, $7::text, $8::text, $9::text, $10::text "
    "FROM unnest($1::bigint[], $2::date[], $3::integer[], $4::integer[], $5::bigint[]) "
    "WITH ORDINALITY AS e(product_id, date, level_before, level_after, undoes, n) "
    "ORDER BY e.n RETURNING id) SELECT max(id) FROM written"
)
OriginKey = tuple[Any, ...]
"""A row's at, actor, cause, import_id and note: the entries of one write share them."""


class SqlChangeRepository(ChangeRepository):
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def record(self, origin: Origin, changes: Sequence[LevelChange]) -> int:
        self._tx.wrote(len(changes))
        last_id = 0
        for start in range(0, len(changes), WRITE_BATCH):
            batch = changes[start : start + WRITE_BATCH]
            if self._tx.is_postgresql:
                last_id = await self._insert_postgresql(origin, batch)
            else:
                last_id = await self._insert_sqlite(origin, batch)
        return last_id

    async def get(self, change_id: int) -> Change | None:
        if not 1 <= change_id <= MAX_ID:
            return None
        sql = f"SELECT {COLUMNS} FROM changes WHERE id = {self._placeholder(1)}"
        found = self._changes(await self._tx.rows(sql, [change_id]))
        return found[0] if found else None

    async def find(self, query: ChangeQuery) -> list[Change]:
        built = _find_sql(self._tx.is_postgresql, query)
        if built is None:
            return []
        sql, parameters = built
        # Without a product, a filter on actor or dates may walk the whole table: not a read
        # for the reader, which runs on the event loop on SQLite.
        unfiltered = query.actor is None and query.start is None and query.end is None
        small = bool(query.product_ids) or unfiltered
        return self._changes(await self._tx.rows(sql, parameters, small))

    async def of_import(self, import_id: str, after: int, limit: int) -> list[Change]:
        if "\x00" in import_id or limit <= 0 or after >= MAX_ID:  # none can match; PostgreSQL
            return []  # refuses NUL in text and a larger BIGINT
        sql = (
            f"SELECT {COLUMNS} FROM changes WHERE import_id = {self._placeholder(1)} "
            f"AND cause = '{Cause.IMPORT.value}' AND id > {self._placeholder(2)} "
            f"ORDER BY id LIMIT {self._placeholder(3)}"
        )
        rows = await self._tx.rows(sql, [import_id, max(after, 0), limit], small=False)
        return self._changes(rows)

    async def _insert_postgresql(self, origin: Origin, batch: Sequence[LevelChange]) -> int:
        columns = [list(column) for column in zip(*batch, strict=True)]
        parameters = [*columns, *origin_values(origin, postgresql=True)]
        rows = await self._tx.write_returning(INSERT_POSTGRESQL, parameters)
        return int(rows[0][0])

    async def _insert_sqlite(self, origin: Origin, batch: Sequence[LevelChange]) -> int:
        shared = origin_values(origin, postgresql=False)
        iso: dict[dt.date, str] = {}  # a batch repeats few days: each written once
        rows = [
            (pid, iso.get(date) or iso.setdefault(date, date.isoformat()), before, after, undoes)
            for pid, date, before, after, undoes in batch
        ]
        if len(rows) == 1:  # an edit's one entry: its id in the same round trip
            found = await self._tx.write_returning(
                f"{INSERT_SQLITE} RETURNING id", [*rows[0], *shared]
            )
            return int(found[0][0])
        if len(rows) < STAGE_FROM:
            await self._tx.write_rows(INSERT_SQLITE, [(*row, *shared) for row in rows])
        else:
            await self._tx.write(STAGING_SQLITE, [])
            await self._tx.write("DELETE FROM staged_changes", [])
            await self._tx.write_rows(STAGE_SQLITE, rows)
            await self._tx.write(UNSTAGE_SQLITE, shared)
        # The transaction holds SQLite's write lock since the INSERT: no other writer's ids.
        found = await self._tx.rows("SELECT max(id) FROM changes", [], small=False)
        return int(found[0][0])

    def _placeholder(self, number: int) -> str:
        return f"${number}" if self._tx.is_postgresql else "?"

    def _changes(self, rows: Sequence[Sequence[Any]]) -> list[Change]:
        """Entries from rows, those of one write sharing one Origin (an import has a million)."""
        postgresql = self._tx.is_postgresql  # asyncpg gives dates and times; SQLite ISO text
        origins: dict[OriginKey, Origin] = {}
        dates: dict[Any, dt.date] = {}
        found: list[Change] = []
        for row in rows:
            change_id, product_id, day, previous_level, new_level, undoes, *shared = row
            at, actor, cause, import_id, note = key = tuple(shared)
            origin = origins.get(key)
            if origin is None:
                when = at if postgresql else dt.datetime.fromisoformat(at)  # naive: UTC
                origin = origins[key] = Origin(when, actor, Cause(cause), note, import_id)
            date = day if postgresql else dates.get(day) or _remember(dates, day)
            found.append(
                Change(change_id, product_id, date, previous_level, new_level, undoes, origin)
            )
        return found


def _find_sql(postgresql: bool, query: ChangeQuery) -> tuple[str, list[Any]] | None:
    """SELECT the entries the query matches, newest first; None when none can match."""
    product_ids = sorted({pid for pid in query.product_ids if 1 <= pid <= MAX_ID})
    if _matches_nothing(query, product_ids):
        return None
    conditions: list[str] = []
    parameters: list[Any] = []

    def bind(value: Any) -> str:
        parameters.append(value if postgresql or not isinstance(value, dt.date) else str(value))
        return f"${len(parameters)}" if postgresql else "?"

    if product_ids and postgresql:
        conditions.append(f"product_id = ANY({bind(product_ids)}::bigint[])")
    elif product_ids:
        conditions.append(f"product_id IN ({', '.join(bind(pid) for pid in product_ids)})")
    if query.start is not None:
        conditions.append(f"date >= {bind(query.start)}")
    if query.end is not None:
        conditions.append(f"date <= {bind(query.end)}")
    if query.actor is not None:
        conditions.append(f"actor = {bind(query.actor)}")
    if query.before_id is not None and query.before_id <= MAX_ID:
        conditions.append(f"id < {bind(query.before_id)}")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    limit = bind(min(query.limit, MAX_ID))
    return f"SELECT {COLUMNS} FROM changes{where} ORDER BY id DESC LIMIT {limit}", parameters


def _matches_nothing(query: ChangeQuery, storable_ids: list[int]) -> bool:
    """Queries no entry can match, some of which the databases would refuse to run."""
    return (
        (bool(query.product_ids) and not storable_ids)
        or query.limit <= 0
        or (query.actor is not None and "\x00" in query.actor)  # PostgreSQL refuses NUL
        or (query.before_id is not None and query.before_id <= 1)
    )


def origin_values(origin: Origin, postgresql: bool) -> list[Any]:
    """The columns every entry of one write shares: at, actor, cause, import_id, note."""
    at: Any = origin.at
    if not postgresql:  # SQLAlchemy's text for a DateTime on SQLite (naive, here UTC)
        at = at.replace(tzinfo=None).isoformat(" ", "microseconds")
    return [at, origin.actor, origin.cause.value, origin.import_id, origin.note]


def _remember(dates: dict[Any, dt.date], text: str) -> dt.date:
    date = dates[text] = dt.date.fromisoformat(text)
    return date
