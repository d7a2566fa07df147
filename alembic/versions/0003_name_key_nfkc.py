"""Names are one under NFKC and case folding: recompute `products.name_key`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

The key was `casefold()` of the name; it becomes NFKC, `casefold()`, NFKC again
(`domain.model.name_key`), so that a full-width "Widget" or a decomposed "Café" is the same
name as the plain one. Existing names that would then be one product stop the upgrade, naming
them, before anything is written: renaming one of each is a decision for a person, and the
release that runs the database now can still do it (the schema is left as it was).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from the domain, as in 0001: a migration is frozen.
OLD_COMMENT = "casefold() of name, written by Stockline: the case-insensitive unique key"
NEW_COMMENT = (
    "NFKC casefold of name, written by Stockline: the unique key of names in any case or width"
)
MAX_KEY_LENGTH = 600  # the column's length
CLASHES_SHOWN = 10
# No key holds a capital letter (both keys are case-folded): a placeholder with one is unique.
PLACEHOLDER = "0003 MOVING {}"


def nfkc_casefold(name: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def casefold(name: str) -> str:
    return name.casefold()


def upgrade() -> None:
    _recompute(nfkc_casefold)
    _comment(NEW_COMMENT, OLD_COMMENT)


def downgrade() -> None:
    _recompute(casefold)
    _comment(OLD_COMMENT, NEW_COMMENT)


def _recompute(key: Callable[[str], str]) -> None:
    """Set every row's key, after checking that the keys stay unique and fit the column."""
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, name_key FROM products ORDER BY id"))
    products = [(int(row[0]), str(row[1]), str(row[2])) for row in rows]
    keys = {product_id: key(name) for product_id, name, _ in products}
    _refuse_clashes(products, keys)
    changed = [
        {"id": product_id, "key": keys[product_id]}
        for product_id, _, old in products
        if keys[product_id] != old
    ]
    if not changed:
        return
    update = sa.text("UPDATE products SET name_key = :key WHERE id = :id")
    # Two passes: a row's new key may be another row's old one until that row moves too.
    placeholders = [{"id": row["id"], "key": PLACEHOLDER.format(row["id"])} for row in changed]
    connection.execute(update, placeholders)
    connection.execute(update, changed)


def _refuse_clashes(products: list[tuple[int, str, str]], keys: dict[int, str]) -> None:
    names = {product_id: name for product_id, name, _ in products}
    holders: dict[str, list[int]] = {}
    for product_id, product_key in keys.items():
        holders.setdefault(product_key, []).append(product_id)
    problems = [
        " = ".join(f"{product_id} {names[product_id]!r}" for product_id in ids)
        for ids in holders.values()
        if len(ids) > 1
    ]
    problems += [
        f"{product_id} {names[product_id]!r} is longer than {MAX_KEY_LENGTH} characters "
        "once its compatibility characters are spelled out"
        for product_id, product_key in keys.items()
        if len(product_key) > MAX_KEY_LENGTH
    ]
    if problems:
        more = len(problems) - CLASHES_SHOWN
        listed = "; ".join(problems[:CLASHES_SHOWN]) + (f"; and {more} more" if more > 0 else "")
        raise CommandError(
            f"products whose names would be one name once letter case, width and composition "
            f"are folded (migration {revision}): {listed}. Nothing was changed: rename one of "
            "each with the release that runs this database now (PATCH /api/products/{id}), "
            "then upgrade again"
        )


def _comment(comment: str, existing: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # SQLite keeps no column comments
    op.alter_column(
        "products",
        "name_key",
        existing_type=sa.String(MAX_KEY_LENGTH),
        existing_nullable=False,
        comment=comment,
        existing_comment=existing,
    )
