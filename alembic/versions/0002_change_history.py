"""The change history: one row per write to a level.

Revision ID: 0002
Revises: 0001
Create Date: 2025-07-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from adapters.sql.tables, as in 0001: a migration is frozen.


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("level_before", sa.Integer(), nullable=True),
        sa.Column("level_after", sa.Integer(), nullable=True),
        sa.Column("undoes", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("cause", sa.String(20), nullable=False),
        sa.Column("import_id", sa.String(32), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        # On SQLite, so that an id freed by deleting the newest rows is never handed out again.
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_changes_product_id"), "changes", ["product_id", "id"])
    op.create_index(op.f("ix_changes_import_id"), "changes", ["import_id", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_changes_import_id"), table_name="changes")
    op.drop_index(op.f("ix_changes_product_id"), table_name="changes")
    op.drop_table("changes")
