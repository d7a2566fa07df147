"""The change history over SQL: one row per entry, appended in bulk through the driver."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.sql.dialect import Binds
from adapters.sql.transaction import Transaction
from domain.changes import Cause, Change, ChangeQuery, LevelChange, Origin
from domain.ports import ChangeRepository

MAX_ID = 2**63 - 1  # a BIGINT; PostgreSQL refuses a larger parameter, none can match anyway
WRITE_BATCH = 10_000  # rows per statement: bounded memory for the parameters
COLUMNS = (
    "id, product_id, date, level_before, level_after, undoes, at, actor, cause, import_id, note"
)


class SqlChangeRepository(ChangeRepository):
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction
        self._sql = transaction.dialect

    async def record(self, origin: Origin, changes: Sequence[LevelChange]) -> int:
        self._tx.wrote(len(changes))
        last_id = 0
        for start in range(0, len(changes), WRITE_BATCH):
            last_id = await self._sql.append(self._tx, origin, changes[start : start + WRITE_BATCH])
        return last_id

    async def get(self, change_id: int) -> Change | None:
        if not 1 <= change_id <= MAX_ID:
            return None
        sql = f"SELECT {COLUMNS} FROM changes WHERE id = {self._sql.placeholder(1)}"
        found = self._sql.changes(await self._tx.rows(sql, [change_id]))
        return found[0] if found else None

    async def find(self, query: ChangeQuery) -> list[Change]:
        built = self._find_sql(query)
        if built is None:
            return []
        sql, parameters = built
        # Without a product, a filter on actor or dates may walk the whole table: not a read
        # for the reader, which runs on the event loop on SQLite.
        unfiltered = query.actor is None and query.start is None and query.end is None
        small = bool(query.product_ids) or unfiltered
        return self._sql.changes(await self._tx.rows(sql, parameters, small))

    async def of_import(self, import_id: str, after: int, limit: int) -> list[Change]:
        if "\x00" in import_id or limit <= 0 or after >= MAX_ID:  # none can match; PostgreSQL
            return []  # refuses NUL in text and a larger BIGINT
        bind = Binds(self._sql)
        sql = (
            f"SELECT {COLUMNS} FROM changes WHERE import_id = {bind(import_id)} "
            f"AND cause = '{Cause.IMPORT.value}' AND id > {bind(max(after, 0))} "
            f"ORDER BY id LIMIT {bind(limit)}"
        )
        return self._sql.changes(await self._tx.rows(sql, bind.parameters, small=False))

    def _find_sql(self, query: ChangeQuery) -> tuple[str, list[object]] | None:
        """SELECT the entries the query matches, newest first; None when none can match."""
        product_ids = sorted({pid for pid in query.product_ids if 1 <= pid <= MAX_ID})
        if _matches_nothing(query, product_ids):
            return None
        conditions: list[str] = []
        bind = Binds(self._sql)
        if product_ids:
            conditions.append(bind.one_of("product_id", product_ids))
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
        return (
            f"SELECT {COLUMNS} FROM changes{where} ORDER BY id DESC LIMIT {limit}",
            bind.parameters,
        )


def _matches_nothing(query: ChangeQuery, storable_ids: list[int]) -> bool:
    """Queries no entry can match, some of which the databases would refuse to run."""
    return (
        (bool(query.product_ids) and not storable_ids)
        or query.limit <= 0
        or (query.actor is not None and "\x00" in query.actor)  # PostgreSQL refuses NUL
        or (query.before_id is not None and query.before_id <= 1)
    )
