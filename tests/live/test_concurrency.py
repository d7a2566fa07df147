"""Concurrent writers through two server processes on one store, or one server of two worker
processes: every acknowledged write stays."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import httpx
import pytest

from tests.live.server import free_port, serving, start, stop, worker_cpu

SERVERS, CLIENTS_PER_SERVER, WRITES_PER_CLIENT = 2, 8, 200
FIRST_DAY = dt.date(2024, 1, 1)
DEADLINE_SECONDS = 240  # the whole load stops by then, finished or not


async def write_levels(base: str, product_id: int, deadline: float) -> set[tuple[int, str, int]]:
    """One client's writes, each to its own (product, date); the ones answered 2xx."""
    acknowledged: set[tuple[int, str, int]] = set()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for offset in range(WRITES_PER_CLIENT):
            if time.monotonic() > deadline:
                break
            date = (FIRST_DAY + dt.timedelta(days=offset)).isoformat()
            level = product_id * 1000 + offset
            response = await client.put(
                f"/api/products/{product_id}/inventory/{date}", json={"inventory_level": level}
            )
            if response.is_success:
                acknowledged.add((product_id, date, level))
    return acknowledged


async def load(bases: list[str]) -> set[tuple[int, str, int]]:
    deadline = time.monotonic() + DEADLINE_SECONDS
    jobs = [
        write_levels(base, server * CLIENTS_PER_SERVER + client + 1, deadline)
        for server, base in enumerate(bases)
        for client in range(CLIENTS_PER_SERVER)
    ]
    results = await asyncio.gather(*jobs)
    return set().union(*results)


@pytest.mark.slow
def test_every_acknowledged_write_survives_two_servers(shared_store: str, tmp_path: Path) -> None:
    with serving(shared_store, tmp_path) as first, serving(shared_store, tmp_path) as second:
        check_every_acknowledged_write_survives(shared_store, tmp_path, first, second)


@pytest.mark.slow
def test_every_acknowledged_write_survives_a_server_of_two_workers(
    shared_store: str, tmp_path: Path
) -> None:
    port = free_port()
    server = start(shared_store, port, tmp_path / "server.log", STOCKLINE_WORKERS="2")
    base = f"http://127.0.0.1:{port}"
    try:
        before = worker_cpu(server)
        check_every_acknowledged_write_survives(shared_store, tmp_path, base, base)
        used = [after - before.get(pid, 0) for pid, after in worker_cpu(server).items()]
    finally:
        stop(server)
    assert len(used) == 2
    assert min(used) > 0, f"one worker answered nothing: CPU ticks {used}"


def check_every_acknowledged_write_survives(
    shared_store: str, tmp_path: Path, first: str, second: str
) -> None:
    """Writers through `first` and `second` (CLIENTS_PER_SERVER each); then all is read back,
    and again after a restart."""
    products = SERVERS * CLIENTS_PER_SERVER
    for product_id in range(1, products + 1):
        created = httpx.post(
            f"{first}/api/products",
            json={"product_id": product_id, "product_name": f"Item {product_id}"},
        )
        assert created.status_code == 201
    acknowledged = asyncio.run(load([first, second]))
    ids = [("product_id", product_id) for product_id in range(1, products + 1)]
    rows = httpx.get(f"{second}/api/inventory", params=ids, timeout=60).json()
    stored = {(row["product_id"], row["date"], row["inventory_level"]) for row in rows}
    assert len(acknowledged) == products * WRITES_PER_CLIENT, "the load did not finish in time"
    assert stored == acknowledged
    with serving(shared_store, tmp_path) as restarted:  # and it is all there after a restart
        exported = httpx.get(f"{restarted}/api/inventory/export", timeout=60).text.splitlines()
    assert len(exported) == 1 + len(acknowledged)
