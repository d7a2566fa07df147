"""A write the database refuses is explained from the constraint its error names."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import pool
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql.errors import RECORD_OF_PRODUCT, broken_constraint, named_product
from adapters.sql.storage import SqlStorage
from adapters.sql.urls import database_url
from domain.errors import ProductNotFound
from domain.model import Product
from tests.adapters.origins import BULK

DAY = dt.date(2025, 3, 1)


async def refusal(url: str, insert: str) -> IntegrityError:
    """The error of one statement another program runs, with SQLite's foreign keys on."""
    engine = create_async_engine(database_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.exec_driver_sql(
                "INSERT INTO products (id, name, name_key) VALUES (1, 'Blue', 'blue')"
            )
            with pytest.raises(IntegrityError) as refused:
                await connection.exec_driver_sql(insert)
            return refused.value
    finally:
        await engine.dispose()


async def test_a_record_of_a_missing_product_breaks_the_key_to_products(sql_url: str) -> None:
    error = await refusal(
        sql_url,
        f"INSERT INTO inventory_records (product_id, date, inventory_level) VALUES (7, '{DAY}', 1)",
    )
    assert broken_constraint(error) == RECORD_OF_PRODUCT
    # PostgreSQL's error names the product; SQLite's names neither it nor the constraint.
    assert named_product(error) == (7 if sql_url.startswith("postgresql") else None)


async def test_another_refusal_is_not_taken_for_a_missing_product(sql_url: str) -> None:
    error = await refusal(
        sql_url,
        f"INSERT INTO inventory_records (product_id, date, inventory_level) VALUES (1, '{DAY}', -1)",
    )
    assert broken_constraint(error) != RECORD_OF_PRODUCT
    assert named_product(error) is None


async def test_a_batch_with_several_missing_products_is_refused_naming_one(sql_url: str) -> None:
    storage = SqlStorage(sql_url)
    await storage.open()
    try:
        async with storage.unit_of_work() as uow:
            await uow.products.add(Product(1, "Blue widget"))
            await uow.commit()
        with pytest.raises(ProductNotFound, match=r"product [35] does not exist"):
            async with storage.unit_of_work() as uow:
                await uow.inventory.put_many([(1, DAY, 1), (5, DAY, 1), (3, DAY, 1)], BULK)
    finally:
        await storage.close()
