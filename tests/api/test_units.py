"""A product's unit through the API: given at creation, changed under If-Match like a name,
checked like a name, and carried by export and import in the file's unit column."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.conftest import HEADER, snapshot

CSV = {"content-type": "text/csv"}
UNIT_HEADER = "product_id;product_name;date;inventory_level;unit\n"


def test_a_unit_is_given_at_creation_and_shown_with_the_product(client: TestClient) -> None:
    created = client.post("/api/products", json={"product_name": "Flour", "unit": " kg "})
    assert created.status_code == 201
    assert created.json()["unit"] == "kg"
    assert client.get("/api/products/1").json()["unit"] == "kg"
    listed = client.get("/api/products", params={"search": "flour"}).json()
    assert [item["unit"] for item in listed["items"]] == ["kg"]
    assert client.post("/api/products", json={"product_name": "Bolt"}).json()["unit"] == ""


def test_a_change_of_unit_changes_the_etag_and_honours_if_match(seeded: TestClient) -> None:
    tag = seeded.get("/api/products/2").headers["etag"]
    changed = seeded.patch(
        "/api/products/2",
        json={"product_name": "Red gadget", "unit": "pcs"},
        headers={"if-match": tag},
    )
    assert changed.status_code == 200
    assert changed.json()["unit"] == "pcs"
    assert changed.headers["etag"] != tag
    stale = seeded.patch(
        "/api/products/2",
        json={"product_name": "Red gadget", "unit": "kg"},
        headers={"if-match": tag},
    )
    assert stale.status_code == 412
    assert stale.json()["current_etag"] == changed.headers["etag"]
    assert seeded.get("/api/products/2").json()["unit"] == "pcs"


def test_a_rename_without_a_unit_keeps_the_unit(client: TestClient) -> None:
    client.post("/api/products", json={"product_name": "Flour", "unit": "kg"})
    renamed = client.patch("/api/products/1", json={"product_name": "Wheat flour"})
    assert (renamed.json()["product_name"], renamed.json()["unit"]) == ("Wheat flour", "kg")


def test_a_unit_is_refused_as_a_name_is_naming_what_is_wrong(client: TestClient) -> None:
    hidden = client.post("/api/products", json={"product_name": "Flour", "unit": "k\u200bg"})
    assert hidden.status_code == 400
    assert "U+200B" in hidden.json()["detail"]
    assert "unit" in hidden.json()["detail"]
    long = client.post("/api/products", json={"product_name": "Flour", "unit": "x" * 21})
    assert long.status_code == 400
    assert client.get("/api/products").json()["total"] == 0


def test_units_go_out_in_the_unit_column_and_back_in(
    seeded: TestClient, client: TestClient
) -> None:
    assert snapshot(seeded).startswith(HEADER)  # no product has a unit: the brief's columns
    seeded.post("/api/products", json={"product_name": "Flour", "product_id": 3, "unit": "kg"})
    exported = snapshot(seeded)
    assert exported.startswith(UNIT_HEADER)
    assert exported.endswith("2;Red gadget;01-01-2025;4;\n3;Flour;;;kg\n")
    imported = client.post("/api/inventory/import?mode=replace", content=exported, headers=CSV)
    assert imported.status_code == 200
    assert client.get("/api/products/3").json()["unit"] == "kg"
    assert snapshot(client) == exported


def test_an_import_with_an_unknown_column_is_refused_naming_it(seeded: TestClient) -> None:
    before = snapshot(seeded)
    body = "product_id;product_name;date;inventory_level;colour\n3;Lamp;;;red\n"
    response = seeded.post("/api/inventory/import", content=body, headers=CSV)
    assert response.status_code == 422
    assert "unknown column 'colour'" in response.json()["errors"][0]["message"]
    assert snapshot(seeded) == before


def test_an_import_that_gives_a_stored_product_another_unit_is_refused(
    seeded: TestClient,
) -> None:
    before = snapshot(seeded)
    body = UNIT_HEADER + "2;Red gadget;02-01-2025;5;kg\n"
    response = seeded.post("/api/inventory/import", content=body, headers=CSV)
    assert response.status_code == 422
    assert "stored with the unit ''" in response.json()["errors"][0]["message"]
    assert snapshot(seeded) == before
    seeded.patch("/api/products/2", json={"product_name": "Red gadget", "unit": "pcs"})
    body = HEADER + "2;Red gadget;03-01-2025;6\n"  # no unit column: says nothing of units
    merged = seeded.post("/api/inventory/import", content=body, headers=CSV)
    assert merged.status_code == 200
    assert seeded.get("/api/products/2").json()["unit"] == "pcs"
