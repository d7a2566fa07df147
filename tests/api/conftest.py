"""The API over a real store in a temporary folder, one per backend in API_STORAGES."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.sql_databases import migrated_sqlite_url

API_STORAGES: dict[str, Callable[[Path], str]] = {
    "csv": lambda tmp: f"csv:///{tmp}/inventory.csv",
    "sqlite": migrated_sqlite_url,
}

HEADER = "product_id;product_name;date;inventory_level\n"
# The test client's own default, testserver.local, is not a host the server answers to.
BASE_URL = "http://127.0.0.1:8000"


def api_client(app: Litestar) -> TestClient[Litestar]:
    """A test client addressing the app as a browser on this machine would."""
    return TestClient(app, base_url=BASE_URL)


@pytest.fixture(params=sorted(API_STORAGES))
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return API_STORAGES[request.param](tmp_path)


@pytest.fixture
def client(storage_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(storage=storage_url, frontend_dir=tmp_path / "no-frontend")
    with api_client(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    """Two products with a few records: 1 "Blue widget" (3 days), 2 "Red gadget" (1 day)."""
    body = HEADER + (
        "1;Blue widget;01-01-2025;10\n1;Blue widget;02-01-2025;8\n1;Blue widget;05-01-2025;30\n"
        "2;Red gadget;01-01-2025;4\n"
    )
    response = client.post(
        "/api/inventory/import", content=body, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text
    return client


def snapshot(client: TestClient) -> str:
    """The whole store as the brief's CSV: equal snapshots mean nothing changed."""
    response = client.get("/api/inventory/export")
    assert response.status_code == 200
    return response.text
