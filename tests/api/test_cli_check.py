"""`stockline check` on real stores in a temporary folder, then corrupted behind its back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from tests.sql_databases import migrated_sqlite_url

SEED = ["seed", "--days", "5", "--end", "2025-06-30"]  # 26-06-2025 to 30-06-2025


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("STOCKLINE_STORAGE", f"csv:///{tmp_path}/store/inventory.csv")
    return CliRunner()


@pytest.fixture
def database(run: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite database, which the CLI uses instead of the CSV file."""
    monkeypatch.setenv("STOCKLINE_STORAGE", migrated_sqlite_url(tmp_path))
    return tmp_path / "inventory.db"


def seeded(run: CliRunner, products: int) -> None:
    result = run.invoke(main, [*SEED, "--products", str(products)])
    assert result.exit_code == 0, result.output


def checked(run: CliRunner) -> Result:
    return run.invoke(main, ["check"])


def test_a_csv_store_passes_until_its_file_is_edited_by_hand(
    run: CliRunner, tmp_path: Path
) -> None:
    seeded(run, 3)
    clean = checked(run)
    assert (clean.exit_code, clean.output) == (
        0,
        "checked 15 records and 15 history entries: 0 problems\n",
    )
    path = tmp_path / "store" / "inventory.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    first, second = lines[2].split(";"), lines[8].split(";")
    assert (first[0], first[2], second[0], second[2]) == ("1", "27-06-2025", "2", "28-06-2025")
    changed, removed = first[3], second[3]
    lines[2] = lines[2].rsplit(";", 1)[0] + ";999"
    del lines[8]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    broken = checked(run)
    assert broken.exit_code == 1
    assert broken.output.splitlines() == [
        f"product 1 2025-06-27 entry 2: changed without an entry: "
        f"expected level {changed}, found level 999",
        f"product 2 2025-06-28 entry 8: removed without an entry: "
        f"expected level {removed}, found no record",
        "checked 14 records and 15 history entries: 2 problems",
    ]


def test_a_sqlite_store_changed_through_sqlite3_names_each_record(
    run: CliRunner, database: Path
) -> None:
    seeded(run, 4)
    assert checked(run).exit_code == 0
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute(
            "UPDATE inventory_records SET inventory_level = 999 "
            "WHERE product_id = 1 AND date = '2025-06-27'"
        )
        connection.execute(
            "DELETE FROM inventory_records WHERE product_id = 2 AND date = '2025-06-30'"
        )
        connection.execute("INSERT INTO inventory_records VALUES (3, '2020-01-01', 5)")
        connection.execute("DELETE FROM products WHERE id = 4")  # its records go with it
    connection.close()

    broken = checked(run)
    assert broken.exit_code == 1
    lines = broken.output.splitlines()
    assert lines[0].startswith("product 1 2025-06-27 entry 2: changed without an entry: ")
    assert lines[0].endswith(", found level 999")
    assert lines[1].startswith("product 2 2025-06-30 entry 10: removed without an entry: ")
    assert lines[2] == (
        "product 3 2020-01-01: stored without any entry: expected no record, found level 5"
    )
    stranded = [f"product 4 2025-06-{day} entry {day - 10}" for day in range(26, 31)]
    assert [line.split(":")[0] for line in lines[3:8]] == stranded
    assert all("stranded on a deleted product" in line for line in lines[3:8])
    assert lines[8:] == ["checked 15 records and 20 history entries: 8 problems"]


def test_problems_past_the_hundredth_are_counted(run: CliRunner, database: Path) -> None:
    result = run.invoke(main, ["seed", "--products", "3", "--days", "40"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE inventory_records SET inventory_level = inventory_level + 1")
    connection.close()
    broken = checked(run)
    assert broken.exit_code == 1
    lines = broken.output.splitlines()
    assert len(lines) == 102
    assert all("changed without an entry" in line for line in lines[:100])
    assert lines[100:] == [
        "... and 20 more problems",
        "checked 120 records and 120 history entries: 120 problems",
    ]


def test_a_store_that_cannot_be_opened_is_an_error_not_a_report(
    run: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOCKLINE_STORAGE", f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    result = checked(run)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "stockline db upgrade" in result.output
    assert "checked" not in result.output


def test_names_older_code_stored_are_notes_and_the_check_still_passes(
    run: CliRunner, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "inventory.csv").write_text(
        "product_id;product_name;date;inventory_level\n"
        "1;Wid\u200bget;;\n2;Cafe\u0301;;\n3;widget;;\n4;\uff37IDGET;;\n5;Lamp;;\n",
        encoding="utf-8",
    )
    result = checked(run)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "note: product 1 'Wid\\u200bget': its name holds invisible or direction-changing "
        "characters (U+200B); rename it",
        "note: product 2 'Cafe\u0301': its name is not in composed form (NFC); renaming it "
        "to the same text stores it composed",
        "note: products 3 'widget' and 4 '\uff37IDGET' are one name in any case and width; "
        "rename all but one",
        "checked 0 records and 0 history entries: 0 problems (3 notes on names)",
    ]
