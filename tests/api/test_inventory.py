from __future__ import annotations

import datetime as dt

import msgspec
import pytest
from litestar.testing import TestClient

from api.schemas import RowOut
from domain import services
from tests.api.conftest import snapshot

CSV = {"Content-Type": "text/csv"}


def test_history_of_several_products_is_ordered_and_filtered(seeded: TestClient) -> None:
    rows = seeded.get("/api/inventory", params={"product_id": [2, 1], "start": "2025-01-02"}).json()
    assert rows == [
        {
            "product_id": 1,
            "product_name": "Blue widget",
            "date": "2025-01-02",
            "inventory_level": 8,
        },
        {
            "product_id": 1,
            "product_name": "Blue widget",
            "date": "2025-01-05",
            "inventory_level": 30,
        },
    ]
    everything = seeded.get("/api/inventory", params={"product_id": [1, 2]}).json()
    assert [(row["product_id"], row["date"]) for row in everything] == [
        (1, "2025-01-01"),
        (1, "2025-01-02"),
        (1, "2025-01-05"),
        (2, "2025-01-01"),
    ]


def test_a_long_history_is_streamed_as_the_same_json_array(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "HISTORY_SLICE_ROWS", 7)  # 60 rows: 9 slices, streamed
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(20)]
    lines = [f"{pid};P{pid};{d:%d-%m-%Y};{n}" for pid in (3, 1, 2) for n, d in enumerate(days)]
    body = "product_id;product_name;date;inventory_level\n" + "\n".join(lines) + "\n"
    imported = client.post("/api/inventory/import", content=body, headers=CSV)
    assert imported.status_code == 200
    answer = client.get("/api/inventory", params={"product_id": [3, 1, 2]})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    expected = [RowOut(pid, f"P{pid}", d, n) for pid in (1, 2, 3) for n, d in enumerate(days)]
    assert answer.content == msgspec.json.encode(expected)
    assert "content-length" not in answer.headers  # streamed
    one_slice = client.get("/api/inventory", params={"product_id": 2, "end": "2025-01-07"})
    assert one_slice.content == msgspec.json.encode(expected[20:27])
    assert one_slice.headers["content-length"] == str(len(one_slice.content))  # whole
    missing = client.get("/api/inventory", params={"product_id": [1, 2, 3, 4]})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "4" in missing.json()["detail"]
    assert (
        client.get("/api/inventory", params={"product_id": 1, "start": "2030-01-01"}).content
        == b"[]"
    )


def test_put_creates_then_replaces_and_delete_removes(seeded: TestClient) -> None:
    url = "/api/products/2/inventory/2025-03-01"
    created = seeded.put(url, json={"inventory_level": 12})
    assert created.status_code == 201
    assert created.json() == {
        "product_id": 2,
        "product_name": "Red gadget",
        "date": "2025-03-01",
        "inventory_level": 12,
    }
    assert seeded.put(url, json={"inventory_level": 0}).status_code == 200
    assert seeded.get("/api/products/2").json()["latest_level"] == 0
    assert seeded.delete(url).status_code == 204
    missing = seeded.delete(url)
    assert missing.status_code == 404
    assert "no inventory record on 2025-03-01" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [
        ("/api/products/1/inventory/2025-02-30", {"inventory_level": 1}, 400, "not a real date"),
        ("/api/products/1/inventory/2025-13-01", {"inventory_level": 1}, 400, "not a real date"),
        ("/api/products/1/inventory/0000-01-01", {"inventory_level": 1}, 400, "not a real date"),
        ("/api/products/1/inventory/01-01-2025", {"inventory_level": 1}, 400, "YYYY-MM-DD"),
        ("/api/products/1/inventory/2025-01-01", {"inventory_level": -1}, 400, "inventory_level"),
        ("/api/products/1/inventory/2025-01-01", {"inventory_level": 1.5}, 400, "inventory_level"),
        (
            "/api/products/1/inventory/2025-01-01",
            {"inventory_level": 2**40},
            400,
            "inventory_level",
        ),
        (
            "/api/products/1/inventory/2025-01-01",
            {"inventory_level": "three"},
            400,
            "inventory_level",
        ),
        ("/api/products/1/inventory/2025-01-01", {"level": 3}, 400, "level"),
        ("/api/products/9/inventory/2025-01-01", {"inventory_level": 3}, 404, "product 9"),
    ],
)
def test_bad_level_writes_are_refused_and_change_nothing(
    seeded: TestClient, path: str, body: dict[str, object], status: int, detail: str
) -> None:
    before = snapshot(seeded)
    response = seeded.put(path, json=body)
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert snapshot(seeded) == before


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({}, "product_id"),
        ({"product_id": 0}, "product_id"),
        ({"product_id": "x"}, "product_id"),
        ({"product_id": 1, "start": "2025-02-30"}, "start"),
        ({"product_id": 1, "start": "2025-02-01", "end": "2025-01-01"}, "after end"),
        ({"product_id": 1, "product": 2}, "product"),
    ],
)
def test_bad_history_queries_are_400(
    seeded: TestClient, query: dict[str, object], detail: str
) -> None:
    response = seeded.get("/api/inventory", params=query)
    assert response.status_code == 400
    assert detail in response.json()["detail"]


def test_history_of_an_unknown_product_is_404(seeded: TestClient) -> None:
    assert seeded.get("/api/inventory", params={"product_id": [1, 7]}).status_code == 404


def test_unknown_endpoints_and_methods_answer_problems(client: TestClient) -> None:
    for method, path, status in (
        ("GET", "/api/nothing", 404),
        ("GET", "/api/a/b/c", 404),
        ("POST", "/api/health", 405),
    ):
        response = client.request(method, path)
        assert response.status_code == status
        assert response.headers["content-type"].startswith("application/problem+json")


def test_health_names_the_storage(client: TestClient, storage_url: str) -> None:
    assert client.get("/api/health").json() == {
        "status": "ok",
        "storage": storage_url.split(":")[0].split("+")[0],
    }
