"""Schemathesis against a live server: no 5xx, and every answer matches the documented schema."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.live.conftest import csv_store
from tests.live.server import serving
from tests.sql_databases import migrated_sqlite_url

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES = 25  # per operation: enough to find what the bad-input tests miss, within a minute
CONFIG = Path(__file__).with_name("schemathesis.toml")  # which checks judge, and why


@pytest.mark.slow
@pytest.mark.parametrize("make_store", [csv_store, migrated_sqlite_url], ids=["csv", "sqlite"])
def test_fuzzing_every_operation_finds_no_failure(
    make_store: Callable[[Path], str], tmp_path: Path
) -> None:
    with serving(make_store(tmp_path), tmp_path) as base:
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--config-file",
                str(CONFIG),
                "run",
                f"{base}/api/openapi.json",
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                "1",
                "--generation-database",
                "none",
                "--request-timeout",
                "10",
                "--max-failures",
                "20",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    # The failures come first; the long tail of the output is mostly reproduction commands.
    report = result.stdout[:6000] + result.stderr[-2000:]
    assert result.returncode == 0, report
