"""Integers in URLs are digits 0-9 as written: no exponent, no full-width digit, no cursor past 63 bits."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.api.conftest import snapshot

FULL_WIDTH_ONE = "\uff11"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/inventory?product_id=1e3", "product_id"),
        ("/api/inventory?product_id=1e0", "product_id"),
        (f"/api/inventory?product_id={FULL_WIDTH_ONE}", "product_id"),
        ("/api/changes?product_id=1.0", "product_id"),
        ("/api/inventory/export?product_id=1e0", "product_id"),
        ("/api/products?limit=1e1", "limit"),
        ("/api/products?offset=%2B0", "offset"),
        ("/api/changes?cursor=18446744073709551616", "cursor"),
        ("/api/changes?cursor=9223372036854775808", "cursor"),
        (f"/api/products/{FULL_WIDTH_ONE}", "product_id"),
        ("/api/products/1_0", "product_id"),
        (f"/api/products/{FULL_WIDTH_ONE}/inventory/2025-01-01", "product_id"),
    ],
)
def test_an_integer_not_written_in_digits_or_out_of_range_is_400_naming_it(
    seeded: TestClient, path: str, parameter: str
) -> None:
    response = seeded.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(f"{parameter}: ")


def test_a_write_to_a_full_width_product_id_writes_nothing(seeded: TestClient) -> None:
    before = snapshot(seeded)
    path = f"/api/products/{FULL_WIDTH_ONE}/inventory/2025-01-01"
    response = seeded.put(path, json={"inventory_level": 99})
    assert response.status_code == 400
    assert "product_id" in response.json()["detail"]
    assert seeded.delete(f"/api/products/{FULL_WIDTH_ONE}").status_code == 400
    assert snapshot(seeded) == before


def test_plain_digits_still_work_up_to_the_largest_cursor(
    seeded: TestClient,
) -> None:
    assert seeded.get("/api/products/01").json()["product_id"] == 1
    assert seeded.get("/api/inventory?product_id=1&product_id=2").status_code == 200
    page = seeded.get(f"/api/changes?cursor={2**63 - 1}&limit=1")
    assert page.status_code == 200
    assert len(page.json()["items"]) == 1
