"""An empty database per test, on SQLite and PostgreSQL, for migrating up and down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sql_databases import (
    SQL_KINDS,
    create_postgres_database,
    drop_postgres_database,
    sqlite_url,
)


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
