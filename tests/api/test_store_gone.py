"""A store whose file or folder is deleted under the server answers 503 naming it: never an
empty store, never a write to a file nobody will find."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import HEADER, api_client
from tests.sql_databases import migrated_sqlite_url

STORES = {
    "csv": lambda folder: (f"csv:///{folder}/inventory.csv", folder / "inventory.csv"),
    "sqlite": lambda folder: (migrated_sqlite_url(folder), folder / "inventory.db"),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    folder = tmp_path / "data"
    folder.mkdir()
    url, file = STORES[request.param](folder)
    if request.param == "csv":  # a file from the start: a new store has its journal only
        file.write_text(HEADER + "1;Lamp;;\n", encoding="utf-8")
    settings = Settings(storage=url, frontend_dir=tmp_path / "no-frontend")
    with api_client(create_app(settings)) as client:
        if request.param == "sqlite":
            assert client.post("/api/products", json={"product_name": "Lamp"}).status_code == 201
        yield client, file


def refused_naming(client: TestClient, path: Path) -> None:
    for response in (
        client.get("/api/products"),
        client.post("/api/products", json={"product_name": "Kettle"}),
    ):
        assert response.status_code == 503, response.text
        assert str(path) in response.json()["detail"]


def test_a_deleted_folder_is_503_naming_it(store: tuple[TestClient, Path]) -> None:
    client, file = store
    shutil.rmtree(file.parent)
    refused_naming(client, file)
    assert not file.parent.exists()


def test_a_deleted_file_is_503_naming_it_and_answers_again_once_it_is_back(
    store: tuple[TestClient, Path], tmp_path: Path
) -> None:
    client, file = store
    moved = file.rename(tmp_path / "moved-away")
    refused_naming(client, file)
    moved.rename(file)
    assert [p["product_name"] for p in client.get("/api/products").json()["items"]] == ["Lamp"]
