"""SIGTERM lets the request in flight finish before the server exits."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.live.conftest import csv_store
from tests.live.server import free_port, start

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
