"""Product names over HTTP: invisible characters refused by name, look-alikes one name, and
exports no spreadsheet reads a formula from, which import back to the same names."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.api.conftest import HEADER

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
INJECTION = "Widget,=cmd|' /C calc'!A0,"
NAMES = [INJECTION, "a;+b,-c;@d", "'=marked", '"quoted", twice', "Caf\u00e9"]


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("Wid\u200bget", "U+200B"),
        ("\u202eWidget", "U+202E"),
        ("\ufeffWidget", "U+FEFF"),
        ("Widget\u3164", "U+3164"),
    ],
)
def test_an_invisible_character_is_400_naming_it_on_create_rename_and_import(
    seeded: TestClient, name: str, named: str
) -> None:
    reason = f"must not contain invisible or direction-changing characters: {named}"
    created = seeded.post("/api/products", json={"product_name": name})
    assert created.status_code == 400
    assert reason in created.json()["detail"]
    renamed = seeded.patch("/api/products/1", json={"product_name": name})
    assert renamed.status_code == 400
    assert reason in renamed.json()["detail"]
    imported = seeded.post(
        "/api/inventory/import",
        content=HEADER + f"9;{name};01-01-2025;1\n",
        headers={"content-type": "text/csv"},
    )
    assert imported.status_code == 422
    assert imported.json()["errors"][0]["line"] == 2
    assert reason in imported.json()["errors"][0]["message"]
    assert seeded.get("/api/products/1").json()["product_name"] == "Blue widget"


@pytest.mark.parametrize(
    ("stored", "look_alike"),
    [("widget", "\uff37idget"), ("Caf\u00e9", "Cafe\u0301"), ("FISH", "\ufb01sh")],
)
def test_a_look_alike_name_is_a_409_duplicate(
    client: TestClient, stored: str, look_alike: str
) -> None:
    assert client.post("/api/products", json={"product_name": stored}).status_code == 201
    duplicate = client.post("/api/products", json={"product_name": look_alike})
    assert duplicate.status_code == 409
    assert "(product 1)" in duplicate.json()["detail"]


def test_a_decomposed_name_is_stored_composed(client: TestClient) -> None:
    created = client.post("/api/products", json={"product_name": "Cafe\u0301"})
    assert created.json()["product_name"] == "Caf\u00e9"
    assert client.get("/api/products/1").json()["product_name"] == "Caf\u00e9"


def test_no_cell_of_an_export_split_on_commas_or_semicolons_is_a_formula(
    client: TestClient,
) -> None:
    for name in NAMES:
        assert client.post("/api/products", json={"product_name": name}).status_code == 201
        client.put("/api/products/1/inventory/2025-01-01", json={"inventory_level": 3})
    exported = client.get("/api/inventory/export").text
    cells = [
        cell
        for line in exported.splitlines()
        for separator in ",;"
        for cell in line.split(separator)
    ]
    assert [c for c in cells if c.removeprefix('"').startswith(FORMULA_START)] == []
    assert "1;\"Widget,'=cmd|' /C calc'!A0,\";01-01-2025;3" in exported.splitlines()


def test_importing_an_export_gives_back_the_original_names(client: TestClient) -> None:
    for name in NAMES:
        assert client.post("/api/products", json={"product_name": name}).status_code == 201
    exported = client.get("/api/inventory/export").text
    replaced = client.post(
        "/api/inventory/import?mode=replace",
        content=exported,
        headers={"content-type": "text/csv"},
    )
    assert replaced.status_code == 200, replaced.text
    products = client.get("/api/products").json()["items"]
    assert [product["product_name"] for product in products] == NAMES
    assert client.get("/api/inventory/export").text == exported
