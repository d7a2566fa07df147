"""No cross-site writes and no DNS rebinding: what a page on another site can make a browser send."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.conftest import snapshot


def assert_refused(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    for word in words:
        assert word in problem["detail"]


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
