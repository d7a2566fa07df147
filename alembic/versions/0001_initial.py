"""Products and their inventory records.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from adapters.sql.tables: a migration is a frozen record of
# one step, and must not change when the model does. op.f() marks the constraint names as final,
# so the model's naming convention is not applied to them a second time.
NAME_KEY_COMMENT = "casefold() of name, written by Stockline: the case-insensitive unique key"


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(600), nullable=False, comment=NAME_KEY_COMMENT),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("name_key", name=op.f("uq_products_name_key")),
    )
    op.create_table(
        "inventory_records",
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("inventory_level", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "inventory_level >= 0", name=op.f("ck_inventory_records_level_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_inventory_records_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "date", name=op.f("pk_inventory_records")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("inventory_records")
    op.drop_table("products")
