"""A CSV store's history against a real server: its memory and start-up do not grow with the
entries of replace imports, which the history file holds and the server reads on demand
(issue 13 item 2). Measured by `bench.history_growth`, which also runs the code before."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench.history_growth import growth

from tests.live.conftest import csv_store
from tests.live.server import STOCKLINE

PRODUCTS, DAYS = 200, 1000  # 200,000 records: each replace import adds 400,000 entries
BOUND = 1.2  # after 15 imports, of after one; the code before: RSS 5.2x, start-up 4.1x


def seed_file(folder: Path) -> Path:
    """The CSV file of a store of PRODUCTS x DAYS records, made by `stockline seed`."""
    environment = {**os.environ, "STOCKLINE_STORAGE": csv_store(folder)}
    command = [str(STOCKLINE), "seed", "--products", str(PRODUCTS), "--days", str(DAYS)]
    subprocess.run([*command, "--end", "2025-12-31"], env=environment, check=True, timeout=300)
    return folder / "inventory.csv"


def test_rss_and_start_up_after_15_replace_imports_are_within_20_percent_of_after_one(
    tmp_path: Path,
) -> None:
    seed = seed_file(tmp_path / "seed")
    one, fifteen = growth(tmp_path / "store", seed, None, (1, 15))
    start, rss = fifteen.ratio_to(one)
    print(
        f"after 1 / 15 replace imports: history file {one.history_bytes / 1e6:.0f} / "
        f"{fifteen.history_bytes / 1e6:.0f} MB, start-up {one.start_s:.2f} / "
        f"{fifteen.start_s:.2f} s ({start:.2f}x), RSS {one.rss_mib:.0f} / "
        f"{fifteen.rss_mib:.0f} MiB ({rss:.2f}x)"
    )
    assert fifteen.history_bytes > 20 * one.history_bytes  # the history did grow
    assert rss <= BOUND, f"RSS {rss:.2f}x after 15 replace imports"
    assert start <= BOUND, f"start-up {start:.2f}x after 15 replace imports"
