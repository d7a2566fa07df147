"""HEAD on every GET, the UI at every page path, and how long a browser keeps each file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import api_client

INDEX = "<!doctype html><title>Stockline</title>" + "<!-- padding -->" * 100
SCRIPT = "console.log('stockline');\n" * 100


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[TestClient]:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-3f9a1c.js").write_text(SCRIPT)
    (tmp_path / "secret.txt").write_text("not for the web")
    settings = Settings(storage=f"csv:///{tmp_path}/inventory.csv", frontend_dir=folder)
    with api_client(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("page", ["/", "/products", "/products/12/history", "/a/b/c/"])
def test_a_page_path_opens_the_ui_with_its_state_in_the_query(ui: TestClient, page: str) -> None:
    answer = ui.get(page, params={"products": "1,2"})
    assert answer.status_code == 200
    assert answer.text == INDEX
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-cache"


def test_missing_files_and_api_paths_stay_404_problems(ui: TestClient) -> None:
    for path in ("/assets/index-gone.js", "/favicon.ico", "/api/nothing"):
        answer = ui.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json", path
    assert "not for the web" not in ui.get("/../secret.txt").text


def test_hashed_assets_are_kept_a_year(ui: TestClient) -> None:
    answer = ui.get("/assets/index-3f9a1c.js")
    assert answer.text == SCRIPT
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("coding", ["identity", "br"])
def test_a_file_the_browser_holds_is_304(ui: TestClient, coding: str) -> None:
    asked = {"accept-encoding": coding}
    first = ui.get("/", headers=asked)
    again = ui.get("/", headers={**asked, "if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"].removeprefix("W/") == first.headers["etag"].removeprefix("W/")
    assert again.headers["cache-control"] == "no-cache"
    other = ui.get("/", headers={**asked, "if-none-match": '"another-version"'})
    assert other.status_code == 200
    assert other.text == INDEX


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/products/3",
        "/assets/index-3f9a1c.js",
        "/api/health",
        "/api/products",
        "/api/changes",
        "/api/inventory/export",
        "/api/openapi.json",
        "/assets/gone.js",
    ],
)
def test_head_answers_every_get_with_its_headers_and_no_body(ui: TestClient, path: str) -> None:
    get, head = ui.get(path), ui.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "content-encoding", "etag", "cache-control"):
        assert head.headers.get(name) == get.headers.get(name), name
