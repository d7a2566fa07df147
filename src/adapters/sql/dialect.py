"""What differs between the SQL backends, as one object per backend the storage picks once.

A dialect owns its SQL text, its placeholders, its driver's calls (bulk writes included),
the decoding of its rows and the way it begins, locks and ends a transaction. The
repositories and the transaction hold no branch on the backend: they ask the dialect.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Protocol

from domain.changes import Cause, Change, LevelChange, Origin
from domain.model import HistoryRow, InventoryRecord, RecordValues

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.ext.asyncio import AsyncConnection

    from adapters.sql.transaction import Transaction

Rows = Sequence[Sequence[Any]]
OriginKey = tuple[Any, ...]
"""A row's at, actor, cause, import_id and note: the entries of one write share them."""


class Dialect(Protocol):
    """One SQL backend's ways; each method's contract holds on every backend."""

    # The transaction's steps (see Transaction)
    @abstractmethod
    async def lock(self, tx: Transaction, product_id: int | None, wait_s: float) -> None:
        """Keep other writers off the product (the store when None) until the transaction
        ends, waiting at most `wait_s` for them; the transaction is begun after it."""

    @abstractmethod
    async def begin_reading(self, tx: Transaction) -> None:
        """Begin a transaction for a read that keeps its statement's snapshot (a cursor)."""

    @abstractmethod
    async def end(self, tx: Transaction, commit: bool) -> None:
        """Commit or roll back what the dialect began itself, before SQLAlchemy's own end."""

    @abstractmethod
    async def in_transaction(self, tx: Transaction) -> bool:
        """Whether the connection is inside a transaction, without a round trip."""

    @abstractmethod
    async def roll_back(self, tx: Transaction) -> None:
        """Roll back what the connection left open, whatever SQLAlchemy believes of it."""

    @abstractmethod
    def released(self, tx: Transaction) -> None:
        """The transaction has ended: give back what it held in this process."""

    @abstractmethod
    async def refresh_statistics(self, connection: AsyncConnection) -> None:
        """After a committed bulk write of many rows, at best effort."""

    @abstractmethod
    def refusable(self, tx: Transaction) -> AbstractAsyncContextManager[None]:
        """Around a statement the database may refuse, so that the transaction goes on after."""

    @abstractmethod
    def insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which knows ON CONFLICT."""

    # The driver's calls, on its own connection
    @abstractmethod
    async def fetch(self, driver: Any, sql: str, parameters: Sequence[Any]) -> Rows:
        """The rows of one statement."""

    @abstractmethod
    async def run(self, driver: Any, sql: str, parameters: Sequence[Any]) -> int:
        """Run one statement; the rows it changed."""

    @abstractmethod
    async def run_many(self, driver: Any, sql: str, rows: Rows) -> None:
        """Run one statement for many rows, in one round trip."""

    @abstractmethod
    def fetch_slices(
        self, driver: Any, sql: str, parameters: Sequence[Any], rows: int
    ) -> AsyncGenerator[Rows, None]:
        """The rows of one statement, `rows` at a time, from one cursor closed at the end."""

    # Statements and their parameters
    @abstractmethod
    def placeholder(self, number: int) -> str:
        """The text of the statement's `number`th parameter (from 1)."""

    @abstractmethod
    def parameter(self, value: Any) -> Any:
        """A value as the driver takes it as a parameter."""

    @abstractmethod
    def one_of(self, column: str, ids: Sequence[int], bind: Callable[[Any], str]) -> str:
        """The condition that the column holds one of the ids."""

    @abstractmethod
    def insert_many(self, table: str, columns: Sequence[tuple[str, str]]) -> str:
        """INSERT ... ON CONFLICT DO NOTHING of many rows at once, for `run_many`; `columns`:
        (name, PostgreSQL type) in the rows' order."""

    @abstractmethod
    def origin(self, origin: Origin) -> list[Any]:
        """The columns every entry of one write shares: at, actor, cause, import_id, note."""

    # The inventory's records
    @abstractmethod
    async def level(self, tx: Transaction, product_id: int, date: dt.date) -> int | None:
        """The level recorded for the product on the date."""

    @abstractmethod
    async def put(self, tx: Transaction, record: InventoryRecord) -> bool:
        """Write the record; whether there was none for its product and date before."""

    @abstractmethod
    async def write_and_journal(
        self,
        tx: Transaction,
        batch: Sequence[RecordValues],
        undoes: Sequence[int | None],
        shared: Sequence[Any],
    ) -> int:
        """Write the records and their history entries (`shared`: from `origin`), one entry
        per record, in order; the last entry's id."""

    @abstractmethod
    async def remove(self, tx: Transaction, keys: Sequence[tuple[int, dt.date]]) -> None:
        """Delete the records of these products and dates."""

    @abstractmethod
    def history_rows(self, rows: Rows) -> list[HistoryRow]:
        """Domain rows from the rows of `history_sql`."""

    # The change history
    @abstractmethod
    async def append(self, tx: Transaction, origin: Origin, batch: Sequence[LevelChange]) -> int:
        """Append the entries in order; the id of the last."""

    @abstractmethod
    def changes(self, rows: Rows) -> list[Change]:
        """Entries from rows of the `changes` table's columns, in order."""


class Binds:
    """The parameters of one statement being written, each in the dialect's placeholder."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self.parameters: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.parameters.append(self._dialect.parameter(value))
        return self._dialect.placeholder(len(self.parameters))

    def one_of(self, column: str, ids: Sequence[int]) -> str:
        return self._dialect.one_of(column, ids, self)


def changes_from(
    rows: Rows, date_of: Callable[[Any], dt.date], time_of: Callable[[Any], dt.datetime]
) -> list[Change]:
    """Entries from rows, those of one write sharing one Origin (an import has a million)."""
    origins: dict[OriginKey, Origin] = {}
    found: list[Change] = []
    for row in rows:
        change_id, product_id, day, previous_level, new_level, undoes, *shared = row
        at, actor, cause, import_id, note = key = tuple(shared)
        origin = origins.get(key)
        if origin is None:
            origin = origins[key] = Origin(time_of(at), actor, Cause(cause), note, import_id)
        found.append(
            Change(change_id, product_id, date_of(day), previous_level, new_level, undoes, origin)
        )
    return found
