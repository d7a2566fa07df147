"""Lost updates: writes can name the version they change, and are refused when it moved on."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.conftest import snapshot

RECORD = "/api/products/1/inventory/2025-01-02"  # level 8 in the seeded store


def test_the_second_of_two_editors_from_the_same_start_gets_412(seeded: TestClient) -> None:
    seen = seeded.get(RECORD)
    assert (seen.status_code, seen.headers["etag"]) == (200, '"L8"')
    first = seeded.put(
        RECORD, json={"inventory_level": 9}, headers={"if-match": seen.headers["etag"]}
    )
    assert (first.status_code, first.headers["etag"]) == (200, '"L9"')
    before = snapshot(seeded)
    second = seeded.put(
        RECORD, json={"inventory_level": 3}, headers={"if-match": seen.headers["etag"]}
    )
    assert second.status_code == 412
    problem = second.json()
    assert (problem["current_level"], problem["current_etag"]) == (9, '"L9"')
    assert "changed meanwhile" in problem["detail"]
    assert snapshot(seeded) == before
    retried = seeded.put(RECORD, json={"inventory_level": 3}, headers={"if-match": '"L9"'})
    assert retried.status_code == 200


def test_if_none_match_star_only_creates(seeded: TestClient) -> None:
    refused = seeded.put(RECORD, json={"inventory_level": 1}, headers={"if-none-match": "*"})
    assert (refused.status_code, refused.json()["current_level"]) == (412, 8)
    new = "/api/products/1/inventory/2025-03-03"
    assert (
        seeded.put(new, json={"inventory_level": 1}, headers={"if-none-match": "*"}).status_code
        == 201
    )


def test_a_deleted_record_answers_412_with_a_null_level(seeded: TestClient) -> None:
    assert seeded.delete(RECORD).status_code == 204
    refused = seeded.put(RECORD, json={"inventory_level": 1}, headers={"if-match": '"L8"'})
    assert refused.status_code == 412
    assert refused.json()["current_level"] is None
    assert refused.json()["current_etag"] is None


def test_delete_honours_if_match_and_weak_tags_never_match(seeded: TestClient) -> None:
    assert seeded.delete(RECORD, headers={"if-match": 'W/"L8"'}).status_code == 412
    assert seeded.delete(RECORD, headers={"if-match": '"L7", "L8"'}).status_code == 204


def test_products_carry_an_etag_that_rename_and_delete_honour(seeded: TestClient) -> None:
    tag = seeded.get("/api/products/2").headers["etag"]
    renamed = seeded.patch(
        "/api/products/2", json={"product_name": "Crimson gadget"}, headers={"if-match": tag}
    )
    assert renamed.status_code == 200
    assert renamed.headers["etag"] != tag
    stale = seeded.patch("/api/products/2", json={"product_name": "X"}, headers={"if-match": tag})
    assert (stale.status_code, stale.json()["current_name"]) == (412, "Crimson gadget")
    assert seeded.delete("/api/products/2", headers={"if-match": tag}).status_code == 412
    assert seeded.delete("/api/products/2", headers={"if-match": "*"}).status_code == 204
