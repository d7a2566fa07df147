"""The product repository over SQL: one row per product, summaries in one query per page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, delete, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from adapters.sql.dialect import Binds
from adapters.sql.product_rows import COLUMNS_SQL, FIELDS, WRITTEN, product_of, row_of, values_of
from adapters.sql.tables import inventory_records, products
from adapters.sql.transaction import Transaction
from domain.errors import DuplicateProduct
from domain.model import (
    MAX_PRODUCT_ID,
    InventoryRecord,
    Page,
    Product,
    ProductSummary,
    name_key,
)
from domain.ports import ProductRepository

COLUMNS = products.c
MANY_AT_ONCE = 500  # ids per statement: SQLite allows 32,766 parameters, we stay far below
ADD_BATCH = 10_000  # products per statement
# One statement per batch, not per product: one by one made a large import far slower
# (bench/results/design-timings.md). DO NOTHING skips a product whose id or name is taken;
# reading the batch back finds it, and `add` names what took it.
ADDED_COLUMNS = [(column, "bigint" if column == "id" else "text") for column in WRITTEN]
READ_COLUMNS = [COLUMNS[name] for name in FIELDS]


def storable(product_id: int) -> bool:
    """Whether a BIGINT column can hold the id; PostgreSQL errors on larger ones, we answer none."""
    return 1 <= product_id <= MAX_PRODUCT_ID


class SqlProductRepository(ProductRepository):
    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction

    async def get(self, product_id: int) -> Product | None:
        if not storable(product_id):
            return None
        sql = f"SELECT {COLUMNS_SQL} FROM products WHERE id = {self._tx.dialect.placeholder(1)}"
        rows = await self._tx.rows(sql, [product_id])  # on every request: the driver's own SQL
        return product_of(rows[0]) if rows else None

    async def many(self, product_ids: Sequence[int]) -> list[Product]:
        wanted = sorted({pid for pid in product_ids if storable(pid)})
        found: list[Product] = []
        for start in range(0, len(wanted), MANY_AT_ONCE):
            binds = Binds(self._tx.dialect)
            wanted_ids = binds.one_of("id", wanted[start : start + MANY_AT_ONCE])
            sql = f"SELECT {COLUMNS_SQL} FROM products WHERE {wanted_ids} ORDER BY id"
            rows = await self._tx.rows(sql, binds.parameters)
            found.extend(product_of(row) for row in rows)
        return found

    async def summary(self, product_id: int) -> ProductSummary | None:
        if not storable(product_id):
            return None
        found = await self._summaries(COLUMNS.id == product_id, limit=1, offset=0)
        return found[0] if found else None

    async def all(self) -> list[Product]:
        result = await self._tx.execute(select(*READ_COLUMNS).order_by(COLUMNS.id))
        return [product_of(row) for row in result]

    async def search(self, text: str | None, limit: int, offset: int) -> Page:
        if text is not None and "\x00" in text:
            return Page([], 0)  # no name holds a control character; PostgreSQL refuses NUL
        matching = _matching(text)
        total = await self._tx.execute(select(func.count()).select_from(products).where(matching))
        items = await self._summaries(matching, max(limit, 0), max(offset, 0))
        return Page(items, total.scalar_one())

    async def next_id(self) -> int:
        # + 1 here, not in SQL, where it overflows PostgreSQL's BIGINT at the largest id
        rows = await self._tx.rows("SELECT coalesce(max(id), 0) FROM products", [])
        return int(rows[0][0]) + 1

    async def add(self, product: Product) -> None:
        # DO NOTHING instead of an error keeps a PostgreSQL transaction usable without a savepoint.
        statement = (
            self._tx.dialect.insert(products)
            .values(row_of(product))
            .on_conflict_do_nothing()
            .returning(COLUMNS.id)
        )
        if (await self._tx.execute(statement)).first() is not None:
            return
        if await self.get(product.id) is not None:
            raise DuplicateProduct.by_id(product.id)
        raise DuplicateProduct.by_name(product.name, await self._owner_of_name(product))

    async def add_many(self, products: Sequence[Product]) -> None:
        sql = self._tx.dialect.insert_many("products", ADDED_COLUMNS)
        self._tx.wrote(len(products))
        for start in range(0, len(products), ADD_BATCH):
            batch = products[start : start + ADD_BATCH]
            await self._tx.write_rows(sql, [values_of(product) for product in batch])
            stored = set(await self.many([product.id for product in batch]))
            for product in batch:
                if product not in stored:
                    await self.add(product)  # raises DuplicateProduct naming what is taken

    async def update(self, product: Product) -> None:
        changed = {column: value for column, value in row_of(product).items() if column != "id"}
        renaming = update(products).where(COLUMNS.id == product.id).values(changed)
        try:
            async with self._tx.refusable():
                await self._tx.execute(renaming)
        except IntegrityError:
            owner = await self._owner_of_name(product)
            raise DuplicateProduct.by_name(product.name, owner) from None

    async def remove(self, product_id: int) -> None:
        if storable(product_id):
            await self._tx.execute(delete(products).where(COLUMNS.id == product_id))

    async def remove_all(self) -> None:
        await self._tx.execute(delete(inventory_records))
        await self._tx.execute(delete(products))

    async def _owner_of_name(self, product: Product) -> int | None:
        """The other product that holds this product's name in some letter case."""
        query = select(COLUMNS.id).where(
            COLUMNS.name_key == name_key(product.name), COLUMNS.id != product.id
        )
        return (await self._tx.execute(query)).scalar()

    async def _summaries(
        self, matching: ColumnElement[bool], limit: int, offset: int
    ) -> list[ProductSummary]:
        result = await self._tx.execute(_summary_query(matching, limit, offset))
        return [_summary(row) for row in result]


def _matching(text: str | None) -> ColumnElement[bool]:
    """The id is the text, or the name contains it in any case (LIKE wildcards taken literally)."""
    if text is None:
        return true()
    condition = COLUMNS.name_key.contains(name_key(text), autoescape=True)
    product_id = _as_product_id(text)
    return condition if product_id is None else or_(COLUMNS.id == product_id, condition)


def _as_product_id(text: str) -> int | None:
    """The id a text of digits names; None for other texts and for ids no product can have."""
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_PRODUCT_ID)):  # int() refuses texts of over 4300 digits
        return None
    value = int(digits)
    return value if storable(value) else None


def _summary_query(matching: ColumnElement[bool], limit: int, offset: int) -> Select[Any]:
    """The page of products, each with its record count and latest record, in one statement.

    Correlated subqueries, so that both databases look up each product of the page in the
    records' primary key; a join with grouping made SQLite scan every record.
    """
    page = (
        select(*READ_COLUMNS)
        .where(matching)
        .order_by(COLUMNS.id)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    records = inventory_records.c
    of_product = records.product_id == page.c.id

    def of_latest_record(column: ColumnElement[Any]) -> ScalarSelect[Any]:
        return (
            select(column)
            .where(of_product)
            .order_by(records.date.desc())
            .limit(1)
            .scalar_subquery()
        )

    return select(
        *(page.c[name] for name in FIELDS),
        select(func.count()).where(of_product).scalar_subquery().label("record_count"),
        of_latest_record(records.date).label("latest_date"),
        of_latest_record(records.inventory_level).label("latest_level"),
    ).order_by(page.c.id)


def _summary(row: Any) -> ProductSummary:
    latest = None
    if row.latest_date is not None:
        latest = InventoryRecord(row.id, row.latest_date, row.latest_level)
    return ProductSummary(product_of(row), row.record_count, latest)
