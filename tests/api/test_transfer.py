from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import HEADER, api_client, snapshot

CSV = {"content-type": "text/csv"}


def test_export_then_import_into_an_empty_store_gives_the_same_store(
    seeded: TestClient, client: TestClient
) -> None:
    seeded.post("/api/products", json={"product_name": 'Quote "and; semicolon"'})
    exported = snapshot(seeded)
    report = client.post("/api/inventory/import?mode=replace", content=exported, headers=CSV).json()
    assert len(report.pop("import_id")) == 16
    assert report == {
        "mode": "replace",
        "dry_run": False,
        "rows": 5,
        "products_created": 3,
        "products_removed": 0,
        "records_written": 4,
    }
    assert snapshot(client) == exported


def test_export_of_some_products_is_an_attachment(seeded: TestClient) -> None:
    response = seeded.get("/api/inventory/export", params={"product_id": 2})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text == HEADER + "2;Red gadget;01-01-2025;4\n"
    assert seeded.get("/api/inventory/export", params={"product_id": 9}).status_code == 404


def test_an_export_of_an_id_no_product_can_have_is_400(seeded: TestClient) -> None:
    for impossible in ("0", str(2**63)):
        response = seeded.get("/api/inventory/export", params={"product_id": [2, impossible]})
        assert response.status_code == 400, response.text
        assert "product_id" in response.json()["detail"]


def test_a_dry_run_reports_and_writes_nothing(seeded: TestClient) -> None:
    before = snapshot(seeded)
    body = HEADER + "3;Lamp;01-01-2025;1\n1;Blue widget;01-01-2025;99\n"
    report = seeded.post("/api/inventory/import?dry_run=true", content=body, headers=CSV).json()
    assert (report["dry_run"], report["products_created"], report["records_written"]) == (
        True,
        1,
        2,
    )
    assert snapshot(seeded) == before


def test_replace_removes_what_the_file_does_not_hold(seeded: TestClient) -> None:
    report = seeded.post(
        "/api/inventory/import?mode=replace", content=HEADER + "7;Only;;\n", headers=CSV
    ).json()
    assert report["products_removed"] == 2
    assert snapshot(seeded) == HEADER + "7;Only;;\n"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("product_id,product_name,date,inventory_level\n", 1, "separator is ';'"),
        ("id;name;date;level\n", 1, "first line must be"),
        (
            HEADER + "1;Blue widget;01-01-2025;5\n1;Blue widget;01-01-2025;6\n",
            3,
            "already on line 2",
        ),
        (HEADER + "1;Renamed;01-01-2025;5\n", 2, "stored as 'Blue widget'"),
        (HEADER + "3;red GADGET;;\n", 2, "belongs to product 2"),
        (HEADER + "3;Lamp;01-01-2025;-5\n", 2, "inventory_level"),
        (HEADER + "3;Lamp;01/01/2025;5\n", 2, "dd-mm-yyyy"),
        (HEADER + '3;"Lamp;01-01-2025;5\n', 2, "quot"),
        ("", 1, "empty"),
    ],
)
def test_bad_files_are_refused_whole_with_each_line_named(
    seeded: TestClient, body: str, line: int, message: str
) -> None:
    before = snapshot(seeded)
    response = seeded.post("/api/inventory/import", content=body, headers=CSV)
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["line"] == line
    assert message in problem["errors"][0]["message"]
    assert problem["error_count"] == len(problem["errors"])
    assert snapshot(seeded) == before


def test_the_first_good_lines_are_not_written_when_a_later_one_is_bad(seeded: TestClient) -> None:
    before = snapshot(seeded)
    body = HEADER + "5;New;01-01-2025;1\n6;Other;99-01-2025;1\n"
    response = seeded.post("/api/inventory/import", content=body, headers=CSV)
    assert response.status_code == 422
    assert snapshot(seeded) == before


def test_bytes_that_are_not_utf8_are_a_422(seeded: TestClient) -> None:
    response = seeded.post(
        "/api/inventory/import", content=HEADER.encode() + b"3;\xff;;\n", headers=CSV
    )
    assert response.status_code == 422
    assert "line 2 is not valid UTF-8" in response.json()["errors"][0]["message"]


def test_a_number_of_thousands_of_digits_is_a_422_naming_its_line(seeded: TestClient) -> None:
    before = snapshot(seeded)
    body = HEADER + "3;Lamp;01-01-2025;1\n" + "9" * 5000 + ";Lamp;02-01-2025;1\n"
    response = seeded.post("/api/inventory/import", content=body, headers=CSV)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["line"] == 3
    assert "product_id: a number of more than 19 digits" in error["message"]
    assert snapshot(seeded) == before


# text/plain and the rest are what a page on any site may send without a CORS preflight.
@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/octet-stream",
        "application/x-www-form-urlencoded",
    ],
)
def test_a_wrong_content_type_is_415(seeded: TestClient, content_type: str) -> None:
    response = seeded.post(
        "/api/inventory/import", content=HEADER, headers={"content-type": content_type}
    )
    assert response.status_code == 415
    assert "text/csv" in response.json()["detail"]


@pytest.mark.parametrize("query", ["mode=overwrite", "dry_run=perhaps", "force=1"])
def test_bad_import_options_are_400(seeded: TestClient, query: str) -> None:
    assert (
        seeded.post(f"/api/inventory/import?{query}", content=HEADER, headers=CSV).status_code
        == 400
    )


def test_a_body_over_the_upload_limit_is_413(tmp_path: Path) -> None:
    settings = Settings(storage=f"csv:///{tmp_path}/inventory.csv", max_upload_bytes=1024)
    with api_client(create_app(settings)) as small:
        body = HEADER + "".join(f"{n};Product {n};;\n" for n in range(1, 200))
        response = small.post("/api/inventory/import", content=body, headers=CSV)
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")
        assert small.get("/api/products").json()["total"] == 0
