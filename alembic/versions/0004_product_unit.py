"""Products have a unit (`pcs`, `kg`), empty when none is given.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A column with a default: every product stored so far gets the empty unit, nothing is
rewritten by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from the domain, as in 0001: a migration is frozen.
MAX_UNIT_LENGTH = 20


def upgrade() -> None:
    op.add_column(
        "products",
        sa.Column("unit", sa.String(MAX_UNIT_LENGTH), nullable=False, server_default=""),
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35 and later): batch mode would copy the table, and the
    # copy's drop would cascade to every inventory record.
    op.drop_column("products", "unit")
