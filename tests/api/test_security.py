"""Access control, the UI's headers and the request log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import api_client

TOKEN = "s3cret-token"


@pytest.fixture
def guarded(tmp_path: Path) -> TestClient:
    frontend = tmp_path / "dist"
    frontend.mkdir()
    (frontend / "index.html").write_text(
        "<!doctype html><title>Stockline</title>", encoding="utf-8"
    )
    settings = Settings(storage="memory://", api_token=TOKEN, frontend_dir=frontend)
    return api_client(create_app(settings))


def test_without_the_token_reads_work_and_writes_are_401(guarded: TestClient) -> None:
    with guarded as client:
        assert client.get("/api/products").status_code == 200
        for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": TOKEN}):
            response = client.post("/api/products", json={"product_name": "A"}, headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert "Authorization: Bearer" in response.json()["detail"]
        imported = client.post(
            "/api/inventory/import", content=b"x", headers={"content-type": "text/csv"}
        )
        assert imported.status_code == 401
        assert client.get("/api/products").json()["total"] == 0


def test_with_the_token_writes_work(guarded: TestClient) -> None:
    with guarded as client:
        auth = {"authorization": f"Bearer {TOKEN}"}
        assert (
            client.post("/api/products", json={"product_name": "A"}, headers=auth).status_code
            == 201
        )
        assert (
            client.put(
                "/api/products/1/inventory/2025-01-01", json={"inventory_level": 1}, headers=auth
            ).status_code
            == 201
        )
        assert client.delete("/api/products/1", headers=auth).status_code == 204


def test_the_ui_page_allows_only_its_own_assets(guarded: TestClient) -> None:
    with guarded as client:
        page = client.get("/")
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        assert client.get("/api/health").headers["x-content-type-options"] == "nosniff"


def test_every_answer_forbids_framing(guarded: TestClient) -> None:
    with guarded as client:
        answers = [
            client.get(path) for path in ("/", "/api/products", "/api/ui", "/api/nope", "/x.js")
        ]
        answers.append(client.get("/api/products", headers={"host": "evil.example"}))
        answers.append(client.post("/api/products", json={"product_name": "A"}))  # 401
        for answer in answers:
            assert answer.headers["x-frame-options"] == "DENY", answer.url
            assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert [answer.status_code for answer in answers[-2:]] == [400, 401]


def test_an_api_answer_allows_nothing_to_load(guarded: TestClient) -> None:
    with guarded as client:
        for path in ("/api/products", "/api/openapi.json", "/api/nope"):
            policy = client.get(path).headers["content-security-policy"]
            assert policy == "default-src 'none'; frame-ancestors 'none'"


def test_the_docs_page_has_its_own_policy_and_no_inline_code(guarded: TestClient) -> None:
    with guarded as client:
        page = client.get("/api/ui")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy
        assert "style-src 'self';" in policy
        assert "unsafe-inline" not in policy
        assert "<style" not in page.text
        scripts = re.findall(r"<script([^>]*)>", page.text)
        assert len(scripts) == 3
        assert all('src="' in attributes for attributes in scripts)
        for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
            assert client.get(asset).status_code == 200, asset


def test_each_request_is_logged_with_status_and_duration(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="stockline.requests"):
        client.get("/api/products/7")
    lines = [
        record.getMessage() for record in caplog.records if record.name == "stockline.requests"
    ]
    assert any("method=GET path=/api/products/7 status=404 duration_ms=" in line for line in lines)


def test_unmatched_routes_and_methods_are_logged_too(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    # The log wraps the whole app, not only matched routes (where the framework's middleware runs).
    with caplog.at_level(logging.INFO, logger="stockline.requests"):
        assert client.get("/api/no-such-thing").status_code == 404
        assert client.delete("/api/health").status_code == 405
    lines = [
        record.getMessage() for record in caplog.records if record.name == "stockline.requests"
    ]
    assert any("method=GET path=/api/no-such-thing status=404 " in line for line in lines)
    assert any("method=DELETE path=/api/health status=405 " in line for line in lines)


def test_ui_links_with_a_query_string_are_served(guarded: TestClient) -> None:
    with guarded as client:
        page = client.get("/", params={"product": [1, 2], "start": "2025-01-01"})
        assert page.status_code == 200
        assert "<title>Stockline</title>" in page.text


@pytest.mark.parametrize(
    "path", ["/index.html%00.png", "/a%00/b", "/%00", "/api/ui/assets/swagger-ui.css%00"]
)
def test_a_nul_in_a_file_path_is_404(guarded: TestClient, path: str) -> None:
    with guarded as client:
        response = client.get(path)
        assert response.status_code == 404
        assert "NUL" in response.json()["detail"]
        assert client.get("/index.html").status_code == 200


class BrokenStorage:
    """A store that fails in a way nobody planned for."""

    kind = "broken"

    async def open(self) -> None:
        """Opens fine."""

    async def close(self) -> None:
        """Closes fine."""

    def unit_of_work(self) -> Any:
        raise RuntimeError("secret internal detail at /srv/db")

    async def write_blocker(self) -> None:
        """Nothing holds it."""


@pytest.fixture
def broken(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(storage="memory://", frontend_dir=tmp_path), storage=BrokenStorage())
    with api_client(app) as client:
        yield client


def test_an_unexpected_error_is_logged_but_not_shown(
    broken: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    # `broken` comes first: the app sets up logging as it starts, and caplog must hook in after.
    with caplog.at_level(logging.ERROR):
        response = broken.get("/api/products")
    assert response.status_code == 500
    assert response.json()["detail"] == "the server failed; the error has been logged"
    assert "secret" not in response.text
    logged = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(
        record.exc_info and "secret internal" in str(record.exc_info[1]) for record in logged
    )
