"""The command line against a real CSV store in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import DEFAULT_BOUNDS, ServerBounds, main
from api.cli.server import FACTORY
from api.settings import Settings


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("STOCKLINE_STORAGE", f"csv:///{tmp_path}/store/inventory.csv")
    return CliRunner()


def test_seed_export_and_import_round_trip(run: CliRunner, tmp_path: Path) -> None:
    seeded = run.invoke(main, ["seed", "--products", "3", "--days", "10", "--end", "2025-06-30"])
    assert seeded.exit_code == 0, seeded.output
    assert "seeded 3 products, 30 records" in seeded.output
    assert "not seeding" in run.invoke(main, ["seed", "--if-empty"]).output

    exported = tmp_path / "out.csv"
    assert run.invoke(main, ["export", str(exported)]).exit_code == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert (len(lines), lines[1].split(";")[2]) == (31, "21-06-2025")

    replaced = run.invoke(main, ["import", str(exported), "--mode", "replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "wrote 30 records from 30 rows" in replaced.output
    again = run.invoke(main, ["export"])
    assert again.output.splitlines() == lines


def test_a_bad_file_is_refused_with_its_lines(run: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "product_id;product_name;date;inventory_level\n1;A;32-01-2025;1\n", encoding="utf-8"
    )
    result = run.invoke(main, ["import", str(bad)])
    assert result.exit_code == 1
    assert "line 2: date" in result.output


def test_an_unknown_storage_is_named(run: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOCKLINE_STORAGE", "mongodb://admin:hunter2@x")
    result = run.invoke(main, ["seed"])
    assert result.exit_code == 1
    assert "STOCKLINE_STORAGE: unknown storage mongodb://" in result.output
    assert "hunter2" not in result.output  # a URL may hold a password


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STORAGE", "postgres://admin@db/inventory"),
        ("STORAGE", "postgresql+psycopg2://admin:hunter2@db/inventory"),
        ("STORAGE", "csv://"),
        ("LOG_LEVEL", "verbose"),
        ("API_TOKEN", "   "),
        ("API_TOKEN", ""),
        ("HEADER_TIMEOUT", "ten"),
        ("SHUTDOWN_GRACE", "2.5"),
        ("WORKERS", "0"),
    ],
)
def test_serve_with_an_unusable_setting_stops_with_one_line_naming_it(
    run: CliRunner, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    def no_server(*_: object) -> None:
        raise AssertionError("the server started")

    monkeypatch.setattr("api.cli.server.run_uvicorn", no_server)
    monkeypatch.setattr("api.cli.server.run_granian", no_server)
    monkeypatch.setenv(f"STOCKLINE_{name}", value)
    for server in ("uvicorn", "granian"):
        result = run.invoke(main, ["serve", "--server", server])
        assert result.exit_code == 1, result.output
        assert result.output.startswith(f"Error: STOCKLINE_{name}")
        assert len(result.output.splitlines()) == 1, result.output
        assert "hunter2" not in result.output


def test_serve_gives_either_server_the_configured_bounds(
    run: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: list[object] = []
    monkeypatch.setattr("api.cli.server.run_uvicorn", lambda *arguments: given.append(arguments[4]))
    monkeypatch.setattr("api.cli.server.run_granian", lambda *arguments: given.append(arguments[4]))
    monkeypatch.setenv("STOCKLINE_STORAGE", "memory://")
    monkeypatch.setenv("STOCKLINE_HEADER_TIMEOUT", "2.5")
    monkeypatch.setenv("STOCKLINE_SHUTDOWN_GRACE", "45")
    monkeypatch.setenv("STOCKLINE_BODY_TIMEOUT", "7")
    for server in ("uvicorn", "granian"):
        assert run.invoke(main, ["serve", "--server", server]).exit_code == 0
    assert given == [ServerBounds(2.5, 45, 7)] * 2
    defaults = Settings()
    assert (
        ServerBounds(defaults.header_timeout, defaults.shutdown_grace, defaults.body_timeout)
        == DEFAULT_BOUNDS
    )


def test_serve_with_workers_gives_either_server_the_factory_and_the_count(
    run: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    given: list[tuple[object, ...]] = []
    # --workers is passed on to the workers through the environment: undone after the test,
    # or every server a later test starts would run three workers.
    monkeypatch.setenv("STOCKLINE_WORKERS", "1")
    monkeypatch.setattr("api.cli.server.run_uvicorn", lambda *arguments: given.append(arguments))
    monkeypatch.setattr("api.cli.server.run_granian", lambda *arguments: given.append(arguments))
    monkeypatch.setenv("STOCKLINE_STORAGE", f"csv:///{tmp_path}/inventory.csv")
    for server in ("uvicorn", "granian"):
        assert run.invoke(main, ["serve", "--server", server, "--workers", "3"]).exit_code == 0
    assert [(arguments[0], arguments[-1]) for arguments in given] == [(FACTORY, 3)] * 2
    monkeypatch.setenv("STOCKLINE_WORKERS", "2")
    given.clear()
    assert run.invoke(main, ["serve"]).exit_code == 0
    assert given[0][-1] == 2


def test_a_memory_store_refuses_more_than_one_worker(
    run: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.cli.server.run_uvicorn", lambda *_: pytest.fail("it started"))
    monkeypatch.setenv("STOCKLINE_WORKERS", "1")  # as above
    monkeypatch.setenv("STOCKLINE_STORAGE", "memory://")
    result = run.invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: STOCKLINE_WORKERS=2: a memory:// store")


def test_db_upgrade_has_nothing_to_do_for_csv(run: CliRunner) -> None:
    assert "nothing to do" in run.invoke(main, ["db", "upgrade"]).output


def test_openapi_lists_every_endpoint(run: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert run.invoke(main, ["openapi", str(target)]).exit_code == 0
    paths = json.loads(target.read_text(encoding="utf-8"))["paths"]
    assert {"/api/products", "/api/inventory", "/api/inventory/import", "/api/health"} <= set(paths)


def test_db_upgrade_migrates_a_sqlite_database_once(
    run: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOCKLINE_STORAGE", f"sqlite+aiosqlite:///{tmp_path}/db/inventory.db")
    first = run.invoke(main, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "upgraded" in first.output
    assert "already at" in run.invoke(main, ["db", "upgrade"]).output
    seeded = run.invoke(main, ["seed", "--products", "2", "--days", "3"])
    assert "seeded 2 products, 6 records" in seeded.output


def test_a_server_on_an_unmigrated_database_says_to_upgrade(
    run: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOCKLINE_STORAGE", f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    result = run.invoke(main, ["seed"])
    assert result.exit_code == 1
    assert "stockline db upgrade" in result.output


def test_db_upgrade_on_an_unreachable_server_is_a_message(
    run: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOCKLINE_STORAGE", "postgresql+asyncpg://nobody@127.0.0.1:9/none")
    result = run.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot upgrade")


def test_changes_lists_who_and_why_and_undo_takes_an_import_back(
    run: CliRunner, tmp_path: Path
) -> None:
    seeded = run.invoke(
        main, ["seed", "--products", "2", "--days", "2", "--end", "2025-06-30", "--actor", "ops"]
    )
    assert seeded.exit_code == 0, seeded.output
    before = run.invoke(main, ["export"]).output
    lines = before.splitlines()
    lines[1] = lines[1].rsplit(";", 1)[0] + ";999"
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = run.invoke(main, ["import", str(changed), "--actor", "Zoë", "--note", "count"])
    assert imported.exit_code == 0, imported.output
    import_id = imported.output.rsplit("import id ", 1)[1].strip()

    listed = run.invoke(main, ["changes", "--actor", "Zoë", "--json"])
    entries = [json.loads(line) for line in listed.output.splitlines()]
    assert len(entries) == 4
    assert {(e["actor"], e["note"], e["import_id"]) for e in entries} == {
        ("Zoë", "count", import_id)
    }
    assert sorted(e["new_level"] for e in entries)[-1] == 999
    paged = run.invoke(main, ["changes", "--limit", "3"])
    assert len(paged.stdout.splitlines()) == 3
    assert "more: --cursor" in paged.stderr

    undone = run.invoke(main, ["undo", "--import", import_id, "--actor", "Zoë"])
    assert undone.exit_code == 0, undone.output
    assert "restored 4 records" in undone.output
    assert run.invoke(main, ["export"]).output == before
    again = run.invoke(main, ["undo", "--import", import_id])
    assert again.exit_code == 1
    assert "changed since" in again.output
