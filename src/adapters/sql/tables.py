"""The SQL schema as SQLAlchemy Core tables: the model alembic migrates to.

Names are unique in any letter case and width. The database enforces it, under races too,
with a unique constraint on `name_key`, which the adapter fills with
`domain.model.name_key(name)` (NFKC and `casefold()`; migration 0003 recomputed the column when
the key was `casefold()` alone). A unique index on SQL `lower(name)` was the alternative, but
`lower()` folds only ASCII on SQLite and follows the server's locale on PostgreSQL, so "Éclair"
and "ÉCLAIR" would be two products there and one in the memory and CSV stores. Whoever writes
`products` outside Stockline must keep `name_key` equal to that function's result; if the
function ever changes, a migration has to recompute the column.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from domain.changes import MAX_ACTOR_LENGTH, MAX_NOTE_LENGTH
from domain.model import MAX_NAME_KEY_LENGTH, MAX_NAME_LENGTH, MAX_UNIT_LENGTH

NAME_KEY_COMMENT = (
    "NFKC casefold of name, written by Stockline: the unique key of names in any case or width"
)

# Explicit constraint names, so that later migrations (and SQLite's batch mode) can refer to them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# On SQLite "INTEGER PRIMARY KEY" makes the id the rowid: one B-tree fewer, same 64 bits.
ProductId = BigInteger().with_variant(Integer(), "sqlite")

products = Table(
    "products",
    metadata,
    Column("id", ProductId, primary_key=True, autoincrement=False),
    Column("name", String(MAX_NAME_LENGTH), nullable=False),
    Column("unit", String(MAX_UNIT_LENGTH), nullable=False, server_default=""),
    Column("name_key", String(MAX_NAME_KEY_LENGTH), nullable=False, comment=NAME_KEY_COMMENT),
    UniqueConstraint("name_key"),
)

# Without a rowid, SQLite stores the records clustered by (product_id, date): a product's
# history is then one sequential range read.
inventory_records = Table(
    "inventory_records",
    metadata,
    Column(
        "product_id",
        BigInteger,
        ForeignKey("products.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("date", Date, primary_key=True),
    Column("inventory_level", Integer, nullable=False),
    CheckConstraint("inventory_level >= 0", name="level_not_negative"),
    sqlite_with_rowid=False,
)

# The change history, append-only. No foreign key: an entry outlives the product it names.
# AUTOINCREMENT on SQLite: without it a rowid freed by deleting the newest entries would be
# handed out again, and ids must only grow. `at` is UTC (SQLite: naive text, read back as UTC).
# Every index is paid for by each row an import writes (a million at a time), so only two:
# a product's entries newest first, and an import's entries in order. Both end with the id
# for PostgreSQL (SQLite appends the rowid anyway): on product_id alone its planner walked the
# primary key instead (bench/results/design-timings.md). A filter on actor or dates alone
# walks the primary key from the newest entry down.
changes = Table(
    "changes",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("product_id", BigInteger, nullable=False),
    Column("date", Date, nullable=False),
    Column("level_before", Integer),
    Column("level_after", Integer),
    Column("undoes", BigInteger),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(MAX_ACTOR_LENGTH), nullable=False),
    Column("cause", String(20), nullable=False),
    Column("import_id", String(32)),
    Column("note", String(MAX_NOTE_LENGTH)),
    Index("ix_changes_product_id", "product_id", "id"),
    Index("ix_changes_import_id", "import_id", "id"),
    sqlite_autoincrement=True,
)
