"""Stores for tests against real server processes: each backend that processes can share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sql.migrations import upgrade
from tests.sql_databases import (
    create_postgres_database,
    drop_postgres_database,
    migrated_sqlite_url,
    outside_any_loop,
)


def csv_store(folder: Path) -> str:
    return f"csv:///{folder}/inventory.csv"


@pytest.fixture(params=["csv", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated store on each backend."""
    if request.param == "csv":
        yield csv_store(tmp_path)
    elif request.param == "sqlite":
        yield migrated_sqlite_url(tmp_path)
    else:
        url = outside_any_loop(create_postgres_database)
        outside_any_loop(upgrade, url)
        yield url
        outside_any_loop(drop_postgres_database, url)
