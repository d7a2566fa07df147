from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.api.conftest import snapshot


def test_create_read_rename_delete(client: TestClient) -> None:
    created = client.post("/api/products", json={"product_name": "  Blue widget "})
    assert created.status_code == 201
    assert created.json() == {
        "product_id": 1,
        "product_name": "Blue widget",
        "record_count": 0,
        "latest_date": None,
        "latest_level": None,
        "unit": "",
    }
    assert (
        client.post("/api/products", json={"product_name": "Lamp", "product_id": 40}).json()[
            "product_id"
        ]
        == 40
    )
    renamed = client.patch("/api/products/1", json={"product_name": "Azure widget"})
    assert renamed.status_code == 200
    assert renamed.json()["product_name"] == "Azure widget"
    assert client.get("/api/products/1").json()["product_name"] == "Azure widget"
    assert client.delete("/api/products/1").status_code == 204
    assert client.get("/api/products/1").status_code == 404


def test_list_searches_by_name_or_id_and_pages(seeded: TestClient) -> None:
    listed = seeded.get("/api/products", params={"search": "WIDGET"}).json()
    assert [item["product_id"] for item in listed["items"]] == [1]
    assert listed["items"][0] | {"product_name": ""} == {
        "product_id": 1,
        "product_name": "",
        "record_count": 3,
        "latest_date": "2025-01-05",
        "latest_level": 30,
        "unit": "",
    }
    assert seeded.get("/api/products", params={"search": "2"}).json()["total"] == 1
    page = seeded.get("/api/products", params={"limit": 1, "offset": 1}).json()
    assert (page["total"], [item["product_id"] for item in page["items"]]) == (2, [2])


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"product_name": "blue WIDGET"}, 409, "exists already"),
        ({"product_name": "X", "product_id": 2}, 409, "id 2 exists"),
        ({"product_name": ""}, 400, "product_name"),
        ({"product_name": "   "}, 400, "must not be empty"),
        ({"product_name": "x" * 10_000}, 400, "product_name"),
        ({"product_name": "tab\there"}, 400, "control characters"),
        ({"product_name": 5}, 400, "product_name"),
        ({"product_name": "A", "colour": "red"}, 400, "colour"),
        ({"product_name": "A", "product_id": 0}, 400, "product_id"),
        ({"product_name": "A", "product_id": -3}, 400, "product_id"),
        ({"product_name": "A", "product_id": 2**64}, 400, "product_id"),
        ({}, 400, "product_name"),
    ],
)
def test_bad_products_get_a_problem_naming_the_fault(
    seeded: TestClient, body: dict[str, object], status: int, detail: str
) -> None:
    before = snapshot(seeded)
    response = seeded.post("/api/products", json=body)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert detail in response.json()["detail"]
    assert snapshot(seeded) == before


def test_malformed_json_and_wrong_types_are_400(seeded: TestClient) -> None:
    for content in (b"{bad", b"[]", b'"text"'):
        response = seeded.post(
            "/api/products", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, content
        assert response.json()["status"] == 400


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b'{"product_name": "\xff"}', "not valid UTF-8 (invalid start byte)"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
    ids=["invalid-utf8", "nested-100000-deep"],
)
def test_json_the_decoder_cannot_read_is_400_naming_why(
    seeded: TestClient, content: bytes, detail: str
) -> None:
    before = snapshot(seeded)
    for method, path in (("POST", "/api/products"), ("PATCH", "/api/products/1")):
        response = seeded.request(
            method, path, content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, (method, response.text)
        assert detail in response.json()["detail"]
    assert snapshot(seeded) == before


def test_missing_products_are_404_for_every_operation(client: TestClient) -> None:
    for method in ("GET", "DELETE"):
        response = client.request(method, "/api/products/9")
        assert (response.status_code, response.json()["detail"]) == (
            404,
            "product 9 does not exist",
        )
    assert client.patch("/api/products/9", json={"product_name": "X"}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 1001}, {"offset": -1}, {"colour": "red"}, {"search": "x" * 201}],
)
def test_bad_list_parameters_are_400(client: TestClient, query: dict[str, object]) -> None:
    response = client.get("/api/products", params=query)
    assert response.status_code == 400
    assert next(iter(query)) in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/products/0",
        "/api/products/-1",
        "/api/products/99999999999999999999",
        "/api/products/abc",
    ],
)
def test_bad_product_ids_in_the_path_are_4xx(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert response.headers["content-type"].startswith("application/problem+json")
