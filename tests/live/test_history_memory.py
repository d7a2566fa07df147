"""Long history reads against a real server: memory stays bounded however many rows a read
returns, because the answer is read and sent a slice at a time (issue 13)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from pathlib import Path

import httpx
import msgspec
import pytest

from api.schemas import RowOut
from tests.live.conftest import csv_store
from tests.live.server import STOCKLINE, free_port, start, stop
from tests.sql_databases import migrated_sqlite_url

PRODUCTS, DAYS, READERS = 100, 3650, 8
GROWTH_BOUND_MIB = 150  # on main's code, which held every answer whole: some 900


def status_mib(pid: int, field: str) -> float:
    """`field` of /proc/PID/status (VmRSS: now, VmHWM: the peak), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} for process {pid}")


def seeded(kind: str, folder: Path) -> str:
    """A store of PRODUCTS x DAYS daily records (365,000), made by `stockline seed`."""
    url = csv_store(folder) if kind == "csv" else migrated_sqlite_url(folder)
    command = [str(STOCKLINE), "seed", "--products", str(PRODUCTS), "--days", str(DAYS)]
    environment = {**os.environ, "STOCKLINE_STORAGE": url}
    subprocess.run([*command, "--end", "2025-12-31"], env=environment, check=True, timeout=120)
    return url


@pytest.mark.parametrize("kind", ["sqlite", "csv"])
def test_eight_simultaneous_reads_of_100_products_over_ten_years_stay_under_the_bound(
    kind: str, tmp_path: Path
) -> None:
    url = seeded(kind, tmp_path)
    port = free_port()
    server = start(url, port, tmp_path / "server.log")
    query = {"product_id": list(range(1, PRODUCTS + 1))}
    try:
        base = f"http://127.0.0.1:{port}"
        idle = status_mib(server.pid, "VmRSS")
        digests: list[str] = []

        def read() -> None:  # a hash of each answer: the test holds none of them whole
            digest = hashlib.sha256()
            with httpx.stream("GET", base + "/api/inventory", params=query, timeout=120) as answer:
                assert answer.status_code == 200
                for chunk in answer.iter_bytes():
                    digest.update(chunk)
            digests.append(digest.hexdigest())

        threads = [threading.Thread(target=read) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        growth = status_mib(server.pid, "VmHWM") - idle
        assert len(digests) == READERS
        body = httpx.get(base + "/api/inventory", params=query, timeout=120).content
        assert {hashlib.sha256(body).hexdigest()} == set(digests)
        rows = msgspec.json.decode(body, type=list[RowOut])
        assert len(rows) == PRODUCTS * DAYS
        assert [(r.product_id, r.date) for r in rows] == sorted(
            (r.product_id, r.date) for r in rows
        )
        print(f"{kind}: idle {idle:.0f} MiB, peak {growth:.0f} MiB over it")
        assert growth < GROWTH_BOUND_MIB, f"peak {growth:.0f} MiB over idle"
        missing = httpx.get(base + "/api/inventory", params={"product_id": [1, 101]})
        assert missing.status_code == 404  # checked before the first byte
        assert missing.headers["content-type"] == "application/problem+json"
    finally:
        stop(server)
