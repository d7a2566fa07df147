"""What products.py still asks of its transaction: which backend it runs on, and its INSERT.

A stopgap, until products.py's three branches on the backend move into the dialects, after
the product column being added there now is merged; nothing else may ask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.sql.postgres_dialect import PostgresDialect

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.dialects import postgresql, sqlite

    from adapters.sql.dialect import Dialect


class ProductsStopgap:
    dialect: Dialect

    @property
    def is_postgresql(self) -> bool:
        return isinstance(self.dialect, PostgresDialect)

    def insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        return self.dialect.insert(table)
