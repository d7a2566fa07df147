"""Clients that go away, or stop reading, in the middle of a streamed history read: the read's
transaction ends and its connection goes back to the pool, clean, at once or after the body
bound; not whenever a garbage collection comes by, nor never. (Before: PostgreSQL's went back
inside an aborted transaction, and the next request on it answered 503; a reader that stopped
reading kept its transaction, and on SQLite held back every checkpoint, for as long as it
kept the connection open.)"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.live.conftest import empty_store
from tests.live.server import STOCKLINE, serving

PRODUCTS, DAYS = 60, 2000  # 120,000 rows, some 10 MB: more than the sockets' buffers hold
FEW = list(range(1, 21))  # 40,000 rows: four slices, so the answer is streamed
READERS = 10
BODY_S = 0.5
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


def open_transactions(url: str, base: str) -> int:
    """The server's transactions left open: on PostgreSQL its sessions inside one; on SQLite
    1 when a reader's snapshot keeps a checkpoint from emptying the write-ahead log of a
    write made just before (an empty log has nothing to hold back)."""
    if url.startswith("postgresql"):
        return asyncio.run(_postgres_transactions(url))
    level = {"inventory_level": time.monotonic_ns() % 1000}
    assert httpx.put(base + "/api/products/1/inventory/2040-01-01", json=level).is_success
    with sqlite3.connect(make_url(url).database or "", timeout=0) as database:  # no waiting
        busy, _, _ = database.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(busy)


def settled(url: str, base: str) -> int:
    """The open transactions once they are given SETTLE_S seconds to end."""
    deadline = time.monotonic() + SETTLE_S
    while (left := open_transactions(url, base)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(store URL, server base URL) of a seeded store, served with a body bound of BODY_S."""
    folder = tmp_path_factory.mktemp(request.param)
    with empty_store(request.param, folder) as url:
        environment = {**os.environ, "STOCKLINE_STORAGE": url}
        command = [str(STOCKLINE), "seed", "--products", str(PRODUCTS), "--days", str(DAYS)]
        subprocess.run(command, env=environment, check=True, timeout=120)
        with serving(url, folder, STOCKLINE_BODY_TIMEOUT=str(BODY_S)) as base:
            yield url, base


def request_with_a_small_window(
    base: str, product_ids: list[int], window: int = 4096
) -> socket.socket:
    """A history request from a client whose receive window is small; its first bytes read."""
    host, port = base.removeprefix("http://").split(":")
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, window)  # before connect: the window
    client.settimeout(10)
    client.connect((host, int(port)))
    target = "/api/inventory?" + "&".join(f"product_id={pid}" for pid in product_ids)
    client.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    assert client.recv(4096).startswith(b"HTTP/1.1 200")
    return client


def test_readers_that_leave_mid_answer_leave_no_open_transaction(
    served: tuple[str, str],
) -> None:
    url, base = served
    for _ in range(READERS):
        with httpx.stream("GET", base + "/api/inventory", params={"product_id": FEW}) as answer:
            assert answer.status_code == 200, answer.read()
            assert "content-length" not in answer.headers  # streamed
            next(answer.iter_raw(4096))  # and gone after its first few KiB
        with request_with_a_small_window(base, FEW):
            time.sleep(0.3)  # the server now waits in a send, not a read, when it goes
    written = httpx.put(base + "/api/products/1/inventory/2040-01-01", json={"inventory_level": 7})
    assert written.is_success  # one row more, whichever the backend
    left = settled(url, base)
    assert left == 0, f"{left} transactions still open {SETTLE_S} s after the readers left"
    whole = httpx.get(base + "/api/inventory", params={"product_id": FEW}, timeout=60)
    assert whole.status_code == 200  # every pooled connection still serves
    assert len(whole.json()) == len(FEW) * DAYS + 1


def test_a_reader_that_stops_reading_is_dropped_after_the_body_bound(
    served: tuple[str, str],
) -> None:
    url, base = served
    everything = list(range(1, PRODUCTS + 1))
    with request_with_a_small_window(base, everything) as stalled:
        began = time.monotonic()
        time.sleep(BODY_S / 2)
        assert open_transactions(url, base) == 1  # the read holds its snapshot while it sends
        left = settled(url, base)  # the client still connected, and reading nothing
        assert left == 0, f"the stalled reader's transaction was open after {SETTLE_S} s"
        dropped_after = time.monotonic() - began
        received = 0
        try:
            while chunk := stalled.recv(1 << 16):
                received += len(chunk)
        except ConnectionResetError:
            pass  # dropped, as expected
    assert received < 9_000_000, "the whole answer came: the reader was not dropped"
    assert dropped_after < BODY_S + SETTLE_S
    assert httpx.get(base + "/api/health").status_code == 200


def test_a_slow_reader_that_keeps_reading_gets_the_whole_answer(
    served: tuple[str, str],
) -> None:
    """At some 1 MB/s a 10,000-row slice (0.8 MB) takes longer than the 0.5 s bound to leave
    the send buffer, once the sockets' buffers are full, yet the client takes some of it all
    the time: it is not dropped."""
    _, base = served
    everything = list(range(1, PRODUCTS + 1))
    with request_with_a_small_window(base, everything, window=64 * 1024) as reader:
        body, began = b"", time.monotonic()
        while not body.endswith(b"0\r\n\r\n") and time.monotonic() - began < 60:
            chunk = reader.recv(64 * 1024)
            if not chunk:
                break
            body += chunk
            time.sleep(0.05)
    print(f"{len(body):,} bytes in {time.monotonic() - began:.1f} s")
    assert body.endswith(b"]\r\n0\r\n\r\n"), "the answer was cut short"
    assert body.count(b'"inventory_level"') >= PRODUCTS * DAYS - 100  # all but the first recv
