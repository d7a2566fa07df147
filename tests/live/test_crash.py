"""kill -9 under a write load, again and again: every write answered 2xx is still there."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from domain import flat_rows
from tests.live.conftest import csv_store
from tests.live.server import crash, free_port, start, stop
from tests.sql_databases import migrated_sqlite_url

KILLS = 20
WRITERS = 4
FIRST_DAY = dt.date(2000, 1, 1)


async def write_until_killed(base: str, writer: int, start_at: int) -> dict[str, int]:
    """Distinct dates for this writer, as fast as answers come; the ones acknowledged."""
    acknowledged: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        for step in range(10_000):  # bounded; the kill ends it long before
            date = (FIRST_DAY + dt.timedelta(days=start_at + step * WRITERS + writer)).isoformat()
            level = start_at + step
            try:
                response = await client.put(
                    f"/api/products/1/inventory/{date}", json={"inventory_level": level}
                )
            except httpx.TransportError:
                return acknowledged
            if response.status_code in (200, 201):
                acknowledged[date] = level
    return acknowledged


async def round_of_writes(base: str, start_at: int, kill: Callable[[], None]) -> dict[str, int]:
    writers = [asyncio.create_task(write_until_killed(base, n, start_at)) for n in range(WRITERS)]
    await asyncio.sleep(random.uniform(0.05, 0.6))
    kill()
    acknowledged: dict[str, int] = {}
    for finished in await asyncio.gather(*writers):
        acknowledged |= finished
    return acknowledged


def assert_store_readable(store: str) -> None:
    """The flat file parses at every instant; the SQLite file passes its integrity check."""
    path = Path(store.split(":///", 1)[1])
    if store.startswith("csv") and path.exists():
        _, errors = flat_rows.parse(path.read_text(encoding="utf-8"))
        assert errors == []
    elif store.startswith("sqlite"):
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"], ids=["one worker", "two workers"])
@pytest.mark.parametrize("make_store", [csv_store, migrated_sqlite_url], ids=["csv", "sqlite"])
def test_writes_answered_before_a_kill_survive_it(
    make_store: Callable[[Path], str], workers: str, tmp_path: Path
) -> None:
    random.seed(7)
    store = make_store(tmp_path)
    acknowledged: dict[str, int] = {}
    kills = KILLS if workers == "1" else KILLS // 2  # two workers take twice as long to start
    for kill_number in range(kills):
        port = free_port()
        server = start(store, port, tmp_path / "server.log", STOCKLINE_WORKERS=workers)
        base = f"http://127.0.0.1:{port}"
        if kill_number == 0:
            assert (
                httpx.post(f"{base}/api/products", json={"product_name": "Crate"}).status_code
                == 201
            )
        offset = len(acknowledged) * 10
        acknowledged |= asyncio.run(round_of_writes(base, offset, functools.partial(crash, server)))
        assert_store_readable(store)
    port = free_port()
    server = start(store, port, tmp_path / "server.log")
    try:
        rows = httpx.get(f"http://127.0.0.1:{port}/api/inventory", params={"product_id": 1}).json()
    finally:
        stop(server)
    stored = {row["date"]: row["inventory_level"] for row in rows}
    assert len(acknowledged) > kills  # the load did write between kills
    assert {date: stored.get(date) for date in acknowledged} == acknowledged
