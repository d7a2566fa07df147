"""PostgreSQL through asyncpg: `$n` placeholders, advisory locks, bulk writes from arrays."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Table, literal_column
from sqlalchemy.dialects import postgresql

from adapters.sql.dialect import Dialect, Rows, changes_from
from adapters.sql.errors import StorageFailure, reason, unavailable
from adapters.sql.tables import inventory_records
from domain.changes import Change, LevelChange, Origin
from domain.model import HistoryRow, InventoryRecord, RecordValues

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from adapters.sql.transaction import Transaction

# Writers of one product take its advisory lock (the bigint key space) and the store's in
# shared mode; a writer of the whole store takes the store's alone (two int keys, a space of
# its own). Transaction-scoped: the commit or rollback gives them back.
STORE_LOCK_KEYS = "1937009772, 0"  # 'stkl'
ANALYZE = "ANALYZE products, inventory_records, changes"
LEVEL = "SELECT inventory_level FROM inventory_records WHERE product_id = $1 AND date = $2"
REMOVE = (
    "DELETE FROM inventory_records r USING unnest($1::bigint[], $2::date[]) AS k(product_id, day) "
    "WHERE r.product_id = k.product_id AND r.date = k.day"
)
# A bulk write and its history entries as one statement, whose parts all see the table as it
# was before it. Records the join found absent are inserted plainly: an ON CONFLICT insert of
# a new row costs PostgreSQL a speculative insertion (bench/results/design-timings.md).
# Should another writer commit one of them meanwhile, the insert fails on the key and the
# batch runs again (RACES_RETRIED), its fresh snapshot then journaling the level that writer
# left.
WRITE_AND_JOURNAL = (
    "WITH s AS (SELECT s.*, r.inventory_level AS before "
    "FROM unnest($1::bigint[], $2::date[], $3::integer[], $4::bigint[]) "
    "WITH ORDINALITY AS s(product_id, date, level, undoes, n) "
    "LEFT JOIN inventory_records r ON r.product_id = s.product_id AND r.date = s.date), "
    "journaled AS (INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT product_id, date, before, level, undoes, "
    "$5::timestamptz, $6::text, $7::text, $8::text, $9::text FROM s ORDER BY n RETURNING id), "
    # an upsert, not an UPDATE: a record deleted meanwhile is written all the same
    "replaced AS (INSERT INTO inventory_records (product_id, date, inventory_level) "
    "SELECT product_id, date, level FROM s WHERE before IS NOT NULL "
    "ON CONFLICT (product_id, date) DO UPDATE SET inventory_level = EXCLUDED.inventory_level), "
    "added AS (INSERT INTO inventory_records (product_id, date, inventory_level) "
    "SELECT product_id, date, level FROM s WHERE before IS NULL) "
    "SELECT max(id) FROM journaled"  # ids follow the order of the entries, as in APPEND
)
# RETURNING gives this statement's own ids, whatever other transactions take from the
# sequence meanwhile; the ordering numbers them in the order of the entries.
APPEND = (
    "WITH written AS (INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT e.product_id, e.date, e.level_before, e.level_after, e.undoes, "
    "$6::timestamptz, $7::text, $8::text, $9::text, $10::text "
    "FROM unnest($1::bigint[], $2::date[], $3::integer[], $4::integer[], $5::bigint[]) "
    "WITH ORDINALITY AS e(product_id, date, level_before, level_after, undoes, n) "
    "ORDER BY e.n RETURNING id) SELECT max(id) FROM written"
)
RECORDS = inventory_records.c
logger = logging.getLogger(__name__)


class PostgresDialect(Dialect):
    """PostgreSQL: transaction-scoped advisory locks, a product's or the whole store's.

    Its connections are in autocommit as far as SQLAlchemy and asyncpg know: the transaction
    sends BEGIN itself, in one round trip with its locks, and its COMMIT or ROLLBACK.
    SQLAlchemy's adapter would send BEGIN on a trip of its own, before the first statement it
    runs. A unit of work that only reads sends neither (a cursor: see `begin_reading`): under
    READ COMMITTED each statement sees the latest commits, in a transaction or not.
    """

    async def lock(self, tx: Transaction, product_id: int | None, wait_s: float) -> None:
        """`wait_s` is the session's lock_timeout, which the storage sets."""
        begin = "" if tx.begun else "BEGIN; "
        tx.begun = True  # even if the lock fails: its error leaves BEGIN open
        await _send(tx, f"{begin}{_advisory_locks(product_id)}")

    async def begin_reading(self, tx: Transaction) -> None:
        if not tx.begun:
            tx.begun = True
            await _send(tx, "BEGIN")

    async def end(self, tx: Transaction, commit: bool) -> None:
        if tx.begun:
            await _send(tx, "COMMIT" if commit else "ROLLBACK")
            tx.begun = False  # only once sent: else `close` rolls back

    async def in_transaction(self, tx: Transaction) -> bool:
        return tx.begun

    async def roll_back(self, tx: Transaction) -> None:
        await _send(tx, "ROLLBACK")

    def released(self, tx: Transaction) -> None:
        """Advisory locks are the server's: the COMMIT or ROLLBACK gave them back."""

    async def refresh_statistics(self, connection: AsyncConnection) -> None:
        """ANALYZE: PostgreSQL plans from table statistics, which a bulk write leaves stale
        until autovacuum comes by (and never where it is off)."""
        try:
            await connection.exec_driver_sql(ANALYZE)
            await connection.commit()
        except StorageFailure as error:
            logger.warning("could not refresh the table statistics: %s", reason(error))

    @asynccontextmanager
    async def refusable(self, tx: Transaction) -> AsyncIterator[None]:
        # An error aborts the whole transaction: the statement runs in a savepoint.
        await tx.before_write()  # a SAVEPOINT outside BEGIN is an error
        try:
            savepoint = await (await tx.connection()).begin_nested()
        except StorageFailure as error:
            raise unavailable(error) from error
        async with savepoint:
            yield

    def insert(self, table: Table) -> postgresql.Insert:
        return postgresql.insert(table)

    async def fetch(self, driver: Any, sql: str, parameters: Sequence[Any]) -> Rows:
        return await driver.fetch(sql, *parameters)  # type: ignore[no-any-return]

    async def run(self, driver: Any, sql: str, parameters: Sequence[Any]) -> int:
        status = await driver.execute(sql, *parameters)  # e.g. "UPDATE 1"
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0

    async def run_many(self, driver: Any, sql: str, rows: Rows) -> None:
        # once, with one array per column as $1, $2, ... (for `unnest`)
        await driver.execute(sql, *(list(column) for column in zip(*rows, strict=True)))

    async def fetch_slices(
        self, driver: Any, sql: str, parameters: Sequence[Any], rows: int
    ) -> AsyncGenerator[Rows, None]:
        cursor = await driver.cursor(sql, *parameters)
        while batch := await cursor.fetch(rows):
            yield batch

    def placeholder(self, number: int) -> str:
        return f"${number}"

    def parameter(self, value: Any) -> Any:
        return value

    def one_of(self, column: str, ids: Sequence[int], bind: Callable[[Any], str]) -> str:
        return f"{column} = ANY({bind(list(ids))}::bigint[])"

    def insert_many(self, table: str, columns: Sequence[tuple[str, str]]) -> str:
        # unnest takes one typed array per column: run_many gives the rows as columns
        names = ", ".join(name for name, _ in columns)
        arrays = ", ".join(f"${n}::{kind}[]" for n, (_, kind) in enumerate(columns, start=1))
        return (
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"
        )

    def origin(self, origin: Origin) -> list[Any]:
        return [origin.at, origin.actor, origin.cause.value, origin.import_id, origin.note]

    async def level(self, tx: Transaction, product_id: int, date: dt.date) -> int | None:
        found = await tx.rows(LEVEL, [product_id, date])
        return found[0][0] if found else None

    async def put(self, tx: Transaction, record: InventoryRecord) -> bool:
        statement = postgresql.insert(inventory_records)
        upsert = statement.on_conflict_do_update(
            index_elements=[RECORDS.product_id, RECORDS.date],
            set_={"inventory_level": statement.excluded.inventory_level},
        )
        # A row PostgreSQL has just inserted has no xmax; one it updated carries our xid.
        inserted = literal_column("xmax = 0", Boolean)
        values = {
            "product_id": record.product_id,
            "date": record.date,
            "inventory_level": record.level,
        }
        return bool((await tx.execute(upsert.returning(inserted), values)).scalar_one())

    async def write_and_journal(
        self,
        tx: Transaction,
        batch: Sequence[RecordValues],
        undoes: Sequence[int | None],
        shared: Sequence[Any],
    ) -> int:
        columns = [list(column) for column in zip(*batch, strict=True)]
        found = await tx.write_returning(WRITE_AND_JOURNAL, [*columns, list(undoes), *shared])
        return int(found[0][0])

    async def remove(self, tx: Transaction, keys: Sequence[tuple[int, dt.date]]) -> None:
        await tx.write_rows(REMOVE, keys)

    def history_rows(self, rows: Rows) -> list[HistoryRow]:
        return [HistoryRow(pid, name, date, level) for pid, name, date, level in rows]

    async def append(self, tx: Transaction, origin: Origin, batch: Sequence[LevelChange]) -> int:
        columns = [list(column) for column in zip(*batch, strict=True)]
        rows = await tx.write_returning(APPEND, [*columns, *self.origin(origin)])
        return int(rows[0][0])

    def changes(self, rows: Rows) -> list[Change]:
        return changes_from(rows, _same, _same)  # asyncpg gives dates and times


def _same(value: Any) -> Any:
    return value


async def _send(tx: Transaction, sql: str) -> None:
    """Statements without parameters, in one round trip (asyncpg's simple query protocol),
    around SQLAlchemy, which would prepare them first."""
    await (await tx.driver()).execute(sql)


def _advisory_locks(product_id: int | None) -> str:
    """The statement taking the locks for a writer; it waits at most the session's
    lock_timeout (the storage sets it to the transaction's WRITE_WAIT_S)."""
    if product_id is None:
        return f"SELECT pg_advisory_xact_lock({STORE_LOCK_KEYS})"
    return (
        f"SELECT pg_advisory_xact_lock_shared({STORE_LOCK_KEYS}), "
        f"pg_advisory_xact_lock({int(product_id)})"
    )
