"""The change history over HTTP: who, when, why, and undo."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from litestar.testing import TestClient

from tests.api.conftest import HEADER, snapshot

RECORD = "/api/products/1/inventory/2025-01-02"


def changes(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/changes", params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_an_edit_is_listed_with_who_when_and_why(seeded: TestClient) -> None:
    started = dt.datetime.now(dt.UTC)
    response = seeded.put(
        RECORD,
        json={"inventory_level": 9},
        params={"note": "recount after delivery"},
        headers={"X-Stockline-Actor": quote("Zoë Łukasiewicz")},
    )
    assert response.status_code == 200, response.text
    [newest] = changes(seeded, limit=1)["items"]
    at = dt.datetime.fromisoformat(newest.pop("at"))
    assert started <= at <= dt.datetime.now(dt.UTC)
    assert newest == {
        "change_id": newest["change_id"],
        "product_id": 1,
        "date": "2025-01-02",
        "previous_level": 8,
        "new_level": 9,
        "actor": "Zoë Łukasiewicz",
        "cause": "edit",
        "note": "recount after delivery",
        "import_id": None,
        "undoes": None,
    }


def test_the_seed_import_is_listed_under_its_import_id(client: TestClient) -> None:
    body = HEADER + "1;Blue widget;01-01-2025;10\n1;Blue widget;02-01-2025;8\n"
    report = client.post(
        "/api/inventory/import", content=body, headers={"content-type": "text/csv"}
    ).json()
    items = changes(client)["items"]
    assert [(c["cause"], c["import_id"], c["actor"], c["new_level"]) for c in items] == [
        ("import", report["import_id"], "anonymous", 8),
        ("import", report["import_id"], "anonymous", 10),
    ]


def test_pages_follow_the_cursor_without_gaps_or_repeats(seeded: TestClient) -> None:
    for level in range(5):
        seeded.put(RECORD, json={"inventory_level": level})
    everything = changes(seeded, limit=1000)["items"]
    seen: list[int] = []
    cursor = None
    while True:
        page = changes(seeded, limit=3, **({"cursor": cursor} if cursor else {}))
        seen += [item["change_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [item["change_id"] for item in everything]
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == 4 + 5  # the seed's four records, then five edits


def test_filters_by_product_dates_and_actor(seeded: TestClient) -> None:
    seeded.put(RECORD, json={"inventory_level": 1}, headers={"X-Stockline-Actor": "bob"})
    by_bob = changes(seeded, actor="bob")["items"]
    assert [(c["product_id"], c["date"]) for c in by_bob] == [(1, "2025-01-02")]
    product_2 = changes(seeded, product_id=2)["items"]
    assert {c["product_id"] for c in product_2} == {2}
    january_5 = changes(seeded, start="2025-01-03", end="2025-01-05")["items"]
    assert [c["date"] for c in january_5] == ["2025-01-05"]


def test_undo_restores_the_level_and_a_second_undo_is_refused(seeded: TestClient) -> None:
    seeded.put(RECORD, json={"inventory_level": 99})
    [edit] = changes(seeded, limit=1)["items"]
    undone = seeded.post(f"/api/changes/{edit['change_id']}/undo", params={"note": "typo"})
    assert undone.status_code == 200, undone.text
    assert undone.json()["undoes"] == edit["change_id"]
    assert (undone.json()["previous_level"], undone.json()["new_level"]) == (99, 8)
    assert seeded.get(RECORD).json()["inventory_level"] == 8
    before = snapshot(seeded)
    again = seeded.post(f"/api/changes/{edit['change_id']}/undo")
    assert again.status_code == 409
    problem = again.json()
    assert problem["current_level"] == 8
    assert problem["blocked"] == [
        {
            "product_id": 1,
            "date": "2025-01-02",
            "expected_level": 99,
            "current_level": 8,
            "product_exists": True,
        }
    ]
    assert snapshot(seeded) == before


def test_an_import_is_undone_whole(seeded: TestClient) -> None:
    before = snapshot(seeded)
    body = HEADER + "1;Blue widget;02-01-2025;80\n3;Green;01-01-2025;5\n"
    report = seeded.post(
        "/api/inventory/import",
        content=body,
        headers={"content-type": "text/csv"},
        params={"note": "monthly file"},
    ).json()
    undone = seeded.post(f"/api/imports/{report['import_id']}/undo")
    assert undone.status_code == 200, undone.text
    assert undone.json()["records_restored"] == 2
    # Product 3, which the import created, stays without records.
    assert snapshot(seeded) == before + "3;Green;;\n"


def test_unknown_changes_and_imports_are_404_and_bad_input_400(seeded: TestClient) -> None:
    assert seeded.post("/api/changes/999999/undo").status_code == 404
    assert seeded.post("/api/imports/00ff00ff00ff00ff/undo").status_code == 404
    assert seeded.post("/api/imports/not-hex/undo").status_code == 400
    bad = [
        seeded.put(RECORD, json={"inventory_level": 1}, params={"note": "x" * 501}),
        seeded.put(RECORD, json={"inventory_level": 1}, headers={"X-Stockline-Actor": "%ff"}),
        seeded.put(RECORD, json={"inventory_level": 1}, params={"note": "a\x07b"}),
        seeded.get("/api/changes", params={"limit": 0}),
        seeded.get("/api/changes", params={"start": "2025-02-01", "end": "2025-01-01"}),
    ]
    assert [response.status_code for response in bad] == [400] * len(bad)
    assert "actor" in bad[1].json()["detail"]
    assert seeded.get(RECORD).json()["inventory_level"] == 8
