"""A client that goes away in the middle of a streamed history read: the read's transaction
ends and its connection goes back to the pool at once, clean, not whenever a garbage
collection comes by. (Before: PostgreSQL's went back inside an aborted transaction, and the
next request on it answered 503; SQLite's kept its snapshot, holding back checkpoints.)"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.live.conftest import empty_store
from tests.live.server import STOCKLINE, serving

PRODUCTS, DAYS, READERS = 20, 1500, 10  # 30,000 rows: three slices, so the answer is streamed
SETTLE_S = 5.0


async def _postgres_transactions(url: str) -> int:
    address = make_url(url).set(drivername="postgresql")
    connection = await asyncpg.connect(address.render_as_string(hide_password=False))
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
        )
        return count
    finally:
        await connection.close()


def open_transactions(url: str) -> int:
    """The server's transactions left open: on PostgreSQL its sessions inside one; on SQLite
    1 when a reader's snapshot keeps a checkpoint from emptying the write-ahead log."""
    if url.startswith("postgresql"):
        return asyncio.run(_postgres_transactions(url))
    with sqlite3.connect(make_url(url).database or "", timeout=5) as database:
        busy, _, _ = database.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(busy)


def stall_then_leave(base: str, product_ids: list[int]) -> None:
    """Ask for the history, read a little, stop reading until the server's sends block on
    the full socket, then go: the server is then waiting in a send, not in a read."""
    host, port = base.removeprefix("http://").split(":")
    target = "/api/inventory?" + "&".join(f"product_id={pid}" for pid in product_ids)
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        assert client.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(0.5)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_reader_that_disconnects_mid_answer_leaves_no_open_transaction(
    kind: str, tmp_path: Path
) -> None:
    with empty_store(kind, tmp_path) as url:
        environment = {**os.environ, "STOCKLINE_STORAGE": url}
        command = [str(STOCKLINE), "seed", "--products", str(PRODUCTS), "--days", str(DAYS)]
        subprocess.run(command, env=environment, check=True, timeout=120)
        with serving(url, tmp_path) as base:
            query = {"product_id": list(range(1, PRODUCTS + 1))}
            for _ in range(READERS):  # each gone after its first few KiB
                with httpx.stream("GET", base + "/api/inventory", params=query) as answer:
                    assert answer.status_code == 200, answer.read()
                    assert "content-length" not in answer.headers  # streamed
                    next(answer.iter_raw(4096))
                stall_then_leave(base, query["product_id"])
            written = httpx.put(
                base + "/api/products/1/inventory/2030-01-01", json={"inventory_level": 7}
            )
            assert written.status_code == 201  # something in the log for a checkpoint to move
            deadline = time.monotonic() + SETTLE_S
            while (left := open_transactions(url)) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert left == 0, f"{left} transactions still open {SETTLE_S} s after the readers left"
            whole = httpx.get(base + "/api/inventory", params=query, timeout=60)
            assert whole.status_code == 200  # every pooled connection still serves
            assert len(whole.json()) == PRODUCTS * DAYS + 1
