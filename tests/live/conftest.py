"""Stores for tests against real server processes: each backend that processes can share."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from adapters.sql.migrations import upgrade
from tests.live.server import STOCKLINE
from tests.sql_databases import (
    create_postgres_database,
    drop_postgres_database,
    migrated_sqlite_url,
    outside_any_loop,
)

BACKENDS = ["csv", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def csv_store(folder: Path) -> str:
    return f"csv:///{folder}/inventory.csv"


@contextmanager
def empty_store(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty, migrated store of this kind, for the length of the block."""
    if kind == "csv":
        yield csv_store(folder)
    elif kind == "sqlite":
        yield migrated_sqlite_url(folder)
    else:
        url = outside_any_loop(create_postgres_database)
        outside_any_loop(upgrade, url)
        try:
            yield url
        finally:
            outside_any_loop(drop_postgres_database, url)


@pytest.fixture(params=BACKENDS)
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated store on each backend."""
    with empty_store(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """As `shared_store`, one per backend for a whole module."""
    with empty_store(request.param, tmp_path_factory.mktemp(request.param)) as url:
        yield url


def store_check(storage: str) -> str:
    """What `stockline check` finds wrong with the store: nothing when it is consistent."""
    result = subprocess.run(
        [str(STOCKLINE), "check"],
        env={**os.environ, "STOCKLINE_STORAGE": storage},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr
