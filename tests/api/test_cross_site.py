"""No cross-site writes and no DNS rebinding: what a page on another site can make a browser send."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import BASE_URL, HEADER, snapshot

EVIL = "http://evil.example"
DEV_SERVER = "http://127.0.0.1:5173"
REPLACEMENT = HEADER + "9;Planted;01-01-2025;1\n"

ClientMaker = Callable[..., AbstractContextManager[TestClient[Litestar]]]


@pytest.fixture
def client_with(storage_url: str, tmp_path: Path) -> ClientMaker:
    """A client of an app over the test's store, with some settings changed."""

    @contextmanager
    def make(base_url: str = BASE_URL, **changes: Any) -> Iterator[TestClient[Litestar]]:
        settings = Settings(storage=storage_url, frontend_dir=tmp_path / "no-frontend", **changes)
        with TestClient(create_app(settings), base_url=base_url) as client:
            yield client

    return make


def assert_refused(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    for word in words:
        assert word in problem["detail"]


@pytest.mark.parametrize("content_type", ["text/csv", "text/plain"])
def test_a_cross_site_replace_import_is_403_and_changes_nothing(
    seeded: TestClient, content_type: str
) -> None:
    before = snapshot(seeded)
    response = seeded.post(
        "/api/inventory/import?mode=replace",
        content=REPLACEMENT,
        headers={"content-type": content_type, "origin": EVIL},
    )
    assert_refused(response, 403, EVIL, "STOCKLINE_CORS_ORIGINS")
    assert snapshot(seeded) == before


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_write_a_browser_marks_as_from_another_site_is_403_without_origin(
    seeded: TestClient, site: str
) -> None:
    before = snapshot(seeded)
    response = seeded.post(
        "/api/inventory/import?mode=replace",
        content=REPLACEMENT,
        headers={"content-type": "text/csv", "sec-fetch-site": site},
    )
    assert_refused(response, 403, site, "Sec-Fetch-Site")
    created = seeded.post(
        "/api/products", json={"product_name": "Planted"}, headers={"sec-fetch-site": site}
    )
    assert_refused(created, 403)
    assert snapshot(seeded) == before


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]
)
def test_a_json_body_not_sent_as_json_is_415_and_writes_nothing(
    seeded: TestClient, content_type: str
) -> None:
    before = snapshot(seeded)
    headers = {"content-type": content_type}
    created = seeded.post("/api/products", content=b'{"product_name": "Planted"}', headers=headers)
    assert_refused(created, 415, "application/json")
    level = seeded.put(
        "/api/products/1/inventory/2025-01-01", content=b'{"inventory_level": 0}', headers=headers
    )
    assert_refused(level, 415, "application/json")
    renamed = seeded.patch("/api/products/1", content=b'{"product_name": "X"}', headers=headers)
    assert_refused(renamed, 415, "application/json")
    assert snapshot(seeded) == before


def test_json_with_a_charset_or_a_json_suffix_is_json(seeded: TestClient) -> None:
    for number, content_type in enumerate(
        ["application/json; charset=utf-8", "application/merge-patch+json"]
    ):
        response = seeded.post(
            "/api/products",
            content=json.dumps({"product_name": f"Lamp {number}"}),
            headers={"content-type": content_type},
        )
        assert response.status_code == 201, response.text


def test_a_form_encoded_undo_from_another_site_is_refused_and_nothing_is_undone(
    seeded: TestClient,
) -> None:
    record = "/api/products/1/inventory/2025-01-02"
    assert seeded.put(record, json={"inventory_level": 99}).status_code == 200
    change_id = seeded.get("/api/changes", params={"limit": 1}).json()["items"][0]["change_id"]
    form = {"content-type": "application/x-www-form-urlencoded"}
    for origin in (EVIL, "null"):
        response = seeded.post(
            f"/api/changes/{change_id}/undo", content=b"x=1", headers={**form, "origin": origin}
        )
        assert_refused(response, 403, "may not change data")
    assert seeded.get(record).json()["inventory_level"] == 99


def test_writes_from_the_servers_own_pages_pass(seeded: TestClient) -> None:
    own = {"origin": BASE_URL, "sec-fetch-site": "same-origin"}
    assert seeded.post("/api/products", json={"product_name": "Lamp"}, headers=own).status_code == (
        201
    )
    # The same host on another port is another origin.
    other_port = seeded.post(
        "/api/products", json={"product_name": "Desk"}, headers={"origin": "http://127.0.0.1:3000"}
    )
    assert_refused(other_port, 403, "http://127.0.0.1:3000")
    assert seeded.get("/api/products", params={"search": "Desk"}).json()["total"] == 0


def test_the_vite_dev_server_proxying_api_is_its_own_origin(seeded: TestClient) -> None:
    # Vite forwards the browser's Host (changeOrigin: false): page and API share an origin.
    via_proxy = {"host": "127.0.0.1:5173", "origin": DEV_SERVER}
    imported = seeded.post(
        "/api/inventory/import",
        content=HEADER + "3;Chair;01-01-2025;5\n",
        headers={**via_proxy, "content-type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    assert seeded.get("/api/products/3").status_code == 200


def test_writes_from_an_allowed_cors_origin_pass(client_with: ClientMaker) -> None:
    with client_with(cors_origins=(DEV_SERVER,)) as client:
        created = client.post(
            "/api/products", json={"product_name": "Lamp"}, headers={"origin": DEV_SERVER}
        )
        assert created.status_code == 201, created.text
        refused = client.post(
            "/api/products", json={"product_name": "Desk"}, headers={"origin": EVIL}
        )
        assert_refused(refused, 403, EVIL)
        assert client.get("/api/products").json()["total"] == 1


def test_a_preflight_from_an_allowed_cors_origin_still_works(client_with: ClientMaker) -> None:
    with client_with(cors_origins=(DEV_SERVER,)) as client:
        asking = {
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        }
        allowed = client.options("/api/products", headers={**asking, "origin": DEV_SERVER})
        assert allowed.status_code == 204, allowed.text
        assert allowed.headers["access-control-allow-origin"] == DEV_SERVER
        foreign = client.options("/api/products", headers={**asking, "origin": EVIL})
        assert "access-control-allow-origin" not in foreign.headers


def test_a_request_without_origin_passes_as_clients_that_are_not_browsers_send_it(
    client: TestClient,
) -> None:
    assert client.post("/api/products", json={"product_name": "Lamp"}).status_code == 201
    imported = client.post(
        "/api/inventory/import", content=REPLACEMENT, headers={"content-type": "text/csv"}
    )
    assert imported.status_code == 200
    undone = client.post(f"/api/imports/{imported.json()['import_id']}/undo")
    assert undone.status_code == 200, undone.text


@pytest.mark.parametrize("path", ["/api/products", "/api/inventory/export", "/", "/api/nowhere"])
def test_a_host_not_allowed_is_400_on_reads_too(seeded: TestClient, path: str) -> None:
    response = seeded.get(path, headers={"host": "attacker.example:8000"})
    assert_refused(response, 400, "'attacker.example'", "STOCKLINE_ALLOWED_HOSTS")
    assert "Blue widget" not in response.text


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000"])
def test_the_default_allows_the_listening_host_and_loopback_names(
    seeded: TestClient, host: str
) -> None:
    assert seeded.get("/api/products", headers={"host": host}).status_code == 200


def test_allowed_hosts_replace_the_default_and_star_allows_any(client_with: ClientMaker) -> None:
    with client_with(allowed_hosts=("inventory.lan",)) as client:
        assert client.get("/api/health", headers={"host": "inventory.lan:8000"}).status_code == 200
        assert_refused(client.get("/api/health", headers={"host": "localhost"}), 400, "localhost")
    with client_with(allowed_hosts=("*",)) as client:
        assert client.get("/api/health", headers={"host": "anything.example"}).status_code == 200


def test_on_0_0_0_0_a_request_to_the_address_it_arrived_at_passes(
    client_with: ClientMaker,
) -> None:
    # Reached from another machine by IP address: no DNS name another site could point here.
    with client_with(base_url="http://10.1.2.3:8000", host="0.0.0.0") as client:
        assert client.get("/api/health").status_code == 200
        named = client.get("/api/health", headers={"host": "inventory.lan:8000"})
        assert_refused(named, 400, "'inventory.lan'", "STOCKLINE_ALLOWED_HOSTS")
        assert_refused(client.get("/api/health", headers={"host": "10.9.9.9"}), 400)


def test_a_malformed_host_is_400(seeded: TestClient) -> None:
    assert_refused(seeded.get("/api/health", headers={"host": "a b"}), 400, "Host header")


def test_a_cross_site_write_is_403_even_with_the_token_and_401_without(
    client_with: ClientMaker,
) -> None:
    with client_with(api_token="t0ken") as client:
        auth = {"authorization": "Bearer t0ken"}
        foreign = client.post(
            "/api/products", json={"product_name": "A"}, headers={**auth, "origin": EVIL}
        )
        assert_refused(foreign, 403)
        assert client.post("/api/products", json={"product_name": "A"}).status_code == 401
        assert client.post("/api/products", content=b"{}").status_code == 401  # token first
        assert client.get("/api/products").json()["total"] == 0


def test_refusals_are_logged(seeded: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="stockline.requests"):
        seeded.post("/api/products", json={"product_name": "A"}, headers={"origin": EVIL})
        seeded.get("/api/products", headers={"host": "attacker.example"})
    lines = [r.getMessage() for r in caplog.records if r.name == "stockline.requests"]
    assert any("method=POST path=/api/products status=403" in line for line in lines)
    assert any("method=GET path=/api/products status=400" in line for line in lines)
