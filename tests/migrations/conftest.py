"""An empty database per test, on SQLite and PostgreSQL, for migrating up and down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.migrations.sql_databases import (
    SQL_KINDS,
    create_postgres_database,
    drop_postgres_database,
    skip_postgres_tests_without_a_server,
    sqlite_url,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip_postgres_tests_without_a_server(items)


@pytest.fixture(params=SQL_KINDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)
