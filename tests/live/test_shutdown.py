"""SIGTERM lets the request in flight finish before the server exits."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live.conftest import csv_store, empty_store, store_check
from tests.live.locks import stockline_waits_for_a_lock, table_locked
from tests.live.server import STOCKLINE, free_port, serving, start, stop

HEADER = "product_id;product_name;date;inventory_level\n"


@pytest.mark.slow
def test_an_import_in_flight_at_sigterm_completes(tmp_path: Path) -> None:
    body = HEADER + "".join(f"{n};Item {n};;\n" for n in range(1, 100_001))
    port = free_port()
    server = start(csv_store(tmp_path), port, tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    answers: list[httpx.Response] = []
    upload = threading.Thread(
        target=lambda: answers.append(
            httpx.post(
                f"{base}/api/inventory/import",
                content=body,
                headers={"content-type": "text/csv"},
                timeout=60,
            )
        )
    )
    upload.start()
    time.sleep(0.5)  # the import is being checked and written now
    server.send_signal(signal.SIGTERM)
    upload.join(timeout=60)
    # uvicorn drains, then ends by the signal it was sent (not by a SIGKILL after a hang).
    assert server.wait(timeout=60) == -signal.SIGTERM
    assert answers
    assert answers[0].status_code == 200
    assert answers[0].json()["products_created"] == 100_000
    restarted = start(csv_store(tmp_path), free_port(), tmp_path / "server.log")
    try:
        total = httpx.get(f"http://127.0.0.1:{restarted.args[-1]}/api/products").json()["total"]
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)
    assert total == 100_000


def _slow_import(base: str, lines: list[str], gap_s: float, answers: list[httpx.Response]) -> None:
    """An import whose body comes a line every `gap_s`: in flight for as long as it takes."""

    def body() -> Iterator[bytes]:
        for line in lines:
            yield line.encode()
            time.sleep(gap_s)

    with contextlib.suppress(httpx.TransportError):  # the server hung up: no answer
        answers.append(
            httpx.post(
                f"{base}/api/inventory/import",
                content=body(),
                headers={"content-type": "text/csv"},
                timeout=30,
            )
        )


@pytest.mark.slow
def test_a_request_shorter_than_the_grace_finishes_after_sigterm(tmp_path: Path) -> None:
    port = free_port()
    server = start(csv_store(tmp_path), port, tmp_path / "server.log", STOCKLINE_SHUTDOWN_GRACE="8")
    base = f"http://127.0.0.1:{port}"
    lines = [HEADER] + [f"{n};Slow {n};;\n" for n in range(1, 9)]
    answers: list[httpx.Response] = []
    upload = threading.Thread(target=_slow_import, args=(base, lines, 0.5, answers))
    upload.start()
    time.sleep(0.5)
    stopped_at = time.monotonic()
    server.send_signal(signal.SIGTERM)  # the upload has some 4 s to go: within the grace
    upload.join(timeout=30)
    assert server.wait(timeout=30) == -signal.SIGTERM
    assert 3 < time.monotonic() - stopped_at < 8
    assert [answer.status_code for answer in answers] == [200]
    assert answers[0].json()["products_created"] == 8


@pytest.mark.slow
@pytest.mark.postgres
def test_a_request_still_running_when_the_grace_ends_is_rolled_back(tmp_path: Path) -> None:
    with empty_store("postgresql", tmp_path) as url:
        port = free_port()
        server = start(url, port, tmp_path / "server.log", STOCKLINE_SHUTDOWN_GRACE="1")
        base = f"http://127.0.0.1:{port}"
        body = HEADER + "".join(f"{n};Cut {n};01-01-2025;{n}\n" for n in range(1, 1001))
        answers: list[httpx.Response] = []
        # The records' table is locked: the import writes its products, then waits (at most
        # the 5 s lock timeout) to write its records, inside one transaction.
        with table_locked(url, "inventory_records"):
            upload = threading.Thread(target=_slow_import, args=(base, [body], 0, answers))
            upload.start()
            time.sleep(1)
            assert stockline_waits_for_a_lock(url)  # in its transaction, its products written
            stopped_at = time.monotonic()
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=30) == -signal.SIGTERM
            stopped_after = time.monotonic() - stopped_at
            upload.join(timeout=30)
        with serving(url, tmp_path) as restarted:
            total = httpx.get(f"{restarted}/api/products").json()["total"]
        assert store_check(url) == ""
    assert stopped_after < 3  # the grace, not the lock timeout
    assert all(answer.status_code != 200 for answer in answers)
    assert total == 0  # the products it wrote went with the transaction


def _processes_with(marker: str) -> list[int]:
    """The processes whose environment holds `marker` (a store URL no other test uses)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stopped_server_leaves_no_process_behind(tmp_path: Path, workers: str) -> None:
    """Its import checkers included: uvicorn ends by raising SIGTERM again, which skipped
    the pool's own exit handler and left them running under init."""
    store = csv_store(tmp_path)
    port = free_port()
    server = start(store, port, tmp_path / "server.log", STOCKLINE_WORKERS=workers)
    big = "product_id;product_name;date;inventory_level\n" + "".join(
        f"{n % 50 + 1};P{n % 50 + 1};{1 + n // 50 % 28:02d}-{1 + n // 1400 % 12:02d}-20{10 + n // 16800}"
        f";{n}\n"
        for n in range(20_000)
    )
    assert len(big) > 256 * 1024  # checked in a worker process, not in place
    for _ in range(int(workers) * 2):  # each worker's pool, whichever worker answers
        answer = httpx.post(
            f"http://127.0.0.1:{port}/api/inventory/import",
            params={"dry_run": "true"},
            content=big,
            headers={"content-type": "text/csv"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
    assert len(_processes_with(store)) > 1 + int(workers)  # the checkers run
    stop(server)
    deadline = time.monotonic() + 10
    while (left := _processes_with(store)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == [], f"processes {left} outlived the server"


def test_a_server_of_two_workers_that_cannot_start_exits_non_zero(tmp_path: Path) -> None:
    unmigrated = f"sqlite+aiosqlite:///{tmp_path}/inventory.db"
    environment = {**os.environ, "STOCKLINE_STORAGE": unmigrated}
    command = [str(STOCKLINE), "serve", "--port", str(free_port()), "--workers", "2"]
    finished = subprocess.run(command, env=environment, capture_output=True, timeout=60)
    assert finished.returncode == 3, finished.stderr[-2000:]
