"""Reads during a 64 MiB import (issue 13): `python -m bench.imports`, and a step of `make bench`.

On each backend, a server is started on an empty store and a client reads one page of the
product list every 20 ms on a kept-alive connection: first for IDLE_S seconds with nothing
else running (the baseline, in the same run), then while a 64 MiB upload (about two million
records) is imported as a dry run: received, parsed and checked in full, which is the work
a real import does before writing (a CSV import's writing then holds the store, reads too).
Prints each phase's p50 and p99, p99 during over p99 idle, the import's time, and the peak
memory of the server and its workers over idle as a multiple of the file (PSS, sampled).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import threading
import time
from typing import Any

from bench.http import free_port
from bench.procs import Server, memory_mib
from bench.stores import (
    BACKENDS,
    DATA,
    ROOT,
    STOCKLINE,
    drop_postgres_databases,
    fresh_store,
    postgres_available,
)

HEADER = b"product_id;product_name;date;inventory_level\n"
SIXTY_FOUR_MIB = 64 * 1024 * 1024
IDLE_S = 5.0
PAUSE_S = 0.02  # between two reads


def sixty_four_mib_of_rows() -> bytes:
    """About two million records: 700 products of 3000 days, just under 64 MiB."""
    start = dt.date(2000, 1, 1)
    days = [(start + dt.timedelta(days=n)).strftime("%d-%m-%Y") for n in range(3000)]
    blocks, size, product = [HEADER], len(HEADER), 0
    while size < SIXTY_FOUR_MIB - 40 * len(days):
        product += 1
        block = "".join(
            f"{product};Product {product};{day};{n % 100_000}\n" for n, day in enumerate(days)
        ).encode()
        blocks.append(block)
        size += len(block)
    return b"".join(blocks)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


class Reader(threading.Thread):
    """Reads one page of products until stopped; each latency in ms, with the phase it ran in;
    and the process tree's peak PSS (MiB) from a sample before each read."""

    def __init__(self, port: int, pid: int) -> None:
        super().__init__(daemon=True)
        self.port, self.pid = port, pid
        self.phase = "idle"
        self.latencies: dict[str, list[float]] = {"idle": [], "during": []}
        self.peak_mib = {"idle": 0.0, "during": 0.0}
        self.failed = 0
        self.error: BaseException | None = None  # what stopped it early: the figures are void
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            self._read()
        except BaseException as error:  # a read that timed out included
            self.error = error

    def _read(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stopping.is_set():
            phase = self.phase
            self.peak_mib[phase] = max(self.peak_mib[phase], memory_mib(self.pid))
            began = time.perf_counter()
            connection.request("GET", "/api/products?limit=1")
            answer = connection.getresponse()
            answer.read()
            self.latencies[phase].append((time.perf_counter() - began) * 1000)
            self.failed += answer.status != 200
            time.sleep(PAUSE_S)
        connection.close()


def imported(port: int, body: bytes) -> tuple[float, int]:
    """Seconds the dry-run import took, and the records it reports."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    began = time.perf_counter()
    connection.request(
        "POST", "/api/inventory/import?dry_run=true", body, {"Content-Type": "text/csv"}
    )
    answer = connection.getresponse()
    text = answer.read()
    seconds = time.perf_counter() - began
    connection.close()
    if answer.status != 200:
        raise RuntimeError(f"the import answered {answer.status}: {text[:500]!r}")
    return seconds, int(json.loads(text)["records_written"])


def backend_figures(backend: str, body: bytes) -> dict[str, Any]:
    store = fresh_store(backend, f"imports-{backend}")
    port = free_port()
    log = DATA / "logs" / f"imports-{backend}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = Server([STOCKLINE, "serve", "--port", str(port)], store.env(), port, log)
    try:
        server.wait_ready("/api/health")
        reader = Reader(port, server.process.pid)
        reader.start()
        time.sleep(IDLE_S)
        reader.phase = "during"
        seconds, records = imported(port, body)
        reader.stopping.set()
        reader.join()
    finally:
        server.stop()
    if reader.error is not None:
        raise RuntimeError(f"the reads on {backend} stopped: {reader.error!r}")
    idle, during = reader.latencies["idle"], reader.latencies["during"]
    idle_p99, during_p99 = percentile(idle, 0.99), percentile(during, 0.99)
    return {
        "records": records,
        "import_s": seconds,
        "reads": {"idle": len(idle), "during": len(during)},
        "failed": reader.failed,
        "idle_p50_ms": percentile(idle, 0.5),
        "idle_p99_ms": idle_p99,
        "during_p50_ms": percentile(during, 0.5),
        "during_p99_ms": during_p99,
        "p99_ratio": during_p99 / idle_p99,
        "growth_x_file": (reader.peak_mib["during"] - reader.peak_mib["idle"])
        * 1024
        * 1024
        / len(body),
    }


def figures(backends: list[str]) -> dict[str, Any]:
    """Every backend's figures, keyed by backend; the file's size under "file_mib"."""
    body = sixty_four_mib_of_rows()
    found: dict[str, Any] = {"file_mib": len(body) / 1024 / 1024}
    for backend in backends:
        found[backend] = backend_figures(backend, body)
    return found


def table(found: dict[str, Any]) -> list[str]:
    lines = [
        f"A {found['file_mib']:.1f} MiB dry-run import; reads of one page of products every "
        f"{PAUSE_S * 1000:.0f} ms, for {IDLE_S:.0f} s idle, then during the import.",
        "",
        "| backend | import s | reads idle / during | p50 ms idle | p99 ms idle | p50 ms during "
        "| p99 ms during | p99 during ÷ idle | peak memory over idle, x file |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for backend, fig in found.items():
        if backend == "file_mib":
            continue
        lines.append(
            f"| {backend} | {fig['import_s']:.1f} | {fig['reads']['idle']} / "
            f"{fig['reads']['during']} | {fig['idle_p50_ms']:.1f} | {fig['idle_p99_ms']:.1f} | "
            f"{fig['during_p50_ms']:.1f} | {fig['during_p99_ms']:.1f} | {fig['p99_ratio']:.2f} | "
            f"{fig['growth_x_file']:.2f} |"
        )
    failed = sum(fig["failed"] for key, fig in found.items() if key != "file_mib")
    lines.append(f"\nFailed or non-200 reads: {failed}.")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    backends = [b for b in BACKENDS if b != "postgresql" or postgres_available()]
    try:
        found = figures(backends)
    finally:
        drop_postgres_databases()
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([f"# Reads during a 64 MiB import ({started})", "", *table(found), ""])
    (ROOT / "results" / "imports.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
