"""HEAD on every GET, the UI at every page path, and how long a browser keeps each file."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.pages import head_as_get
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
    page = ui.get("/assets/not-a-file")  # the UI's page, not an asset: never kept
    assert page.text == INDEX
    assert page.headers["cache-control"] == "no-cache"


def test_if_none_match_star_is_304_for_any_file(ui: TestClient) -> None:
    assert ui.get("/", headers={"if-none-match": "*"}).status_code == 304


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


async def test_a_head_request_tells_the_app_the_client_is_gone_once_answered() -> None:
    """So a streamed answer stops at its headers, instead of reading what nobody receives."""
    heard: list[str] = []
    sent: list[dict[str, object]] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        assert scope["method"] == "GET"
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        heard.append((await receive())["type"])  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"[1,", "more_body": True})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"2]"})  # type: ignore[operator]

    async def receive() -> dict[str, object]:
        await asyncio.sleep(10)  # a client that says nothing more
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "HEAD", "path": "/api/inventory", "headers": []}
    await asyncio.wait_for(head_as_get(app)(scope, receive, send), 1)  # type: ignore[arg-type]
    assert heard == ["http.disconnect"]
    assert [message.get("body", None) for message in sent] == [None, b""]
