"""Scale figures: import, export, start-up and memory per backend, and the CSV store's
durable edit, each at several sizes so that the growth with size can be stated."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import statistics
import time
from pathlib import Path

from adapters.csv_file.storage import CsvStorage
from bench.http import start_stockline
from bench.procs import Finished
from bench.stores import DATA, LAST_DAY, Store, fresh_store
from domain import services

EDITS = 40  # durable edits timed per size


def rows_in(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def transfer_figures(finished: Finished, rows: int) -> dict[str, float]:
    return {
        "seconds": finished.seconds,
        "rows_per_s": rows / finished.seconds,
        "peak_rss_mib": finished.peak_rss_mib,
    }


def load_store(backend: str, name: str, data: Path) -> tuple[Store, dict[str, dict[str, float]]]:
    """A store of `backend` holding `data`, with the figures of importing and exporting it."""
    rows = rows_in(data)
    store = fresh_store(backend, name)
    imported = store.run("import", str(data), "--mode", "replace")
    exported_to = DATA / "stores" / f"{name}-export.csv"
    exported = store.run("export", str(exported_to))
    if exported_to.read_bytes() != data.read_bytes():
        raise RuntimeError(f"the export of {backend} differs from the file imported")
    exported_to.unlink()
    return store, {
        "import": transfer_figures(imported, rows),
        "export": transfer_figures(exported, rows),
    }


def start_up(store: Store) -> dict[str, float]:
    """Seconds from `stockline serve` to the first history answer, and RSS then."""
    server = start_stockline(store)
    try:
        seconds = server.wait_ready("/api/inventory?product_id=1")
        time.sleep(0.5)  # let the first answer's garbage go
        return {"first_answer_s": seconds, "rss_mib": server.rss()}
    finally:
        server.stop()


def durable_edit_ms(store: Store) -> dict[str, float]:
    """Milliseconds for one level write to be acknowledged (journal fsync included)."""
    assert store.url.startswith("csv:///")
    storage = CsvStorage(Path(store.url.removeprefix("csv:///")))
    last = dt.date.fromisoformat(LAST_DAY)

    async def edits() -> list[float]:
        await storage.open()
        try:
            took = []
            for n in range(EDITS):
                started = time.perf_counter()
                await services.set_level(storage.unit_of_work(), 1, last - dt.timedelta(n), n)
                took.append(1000 * (time.perf_counter() - started))
            return took
        finally:
            await storage.close()

    took = sorted(asyncio.run(edits()))
    return {"p50_ms": statistics.median(took), "max_ms": took[-1]}


def growth(points: list[tuple[int, float]]) -> str:
    """How a figure grows from the smallest size to the largest: the exponent k of n^k."""
    (n1, v1), (n2, v2) = points[0], points[-1]
    if n2 <= n1 or v1 <= 0 or v2 <= 0:
        return "n/a"
    k = math.log(v2 / v1) / math.log(n2 / n1)
    word = (
        "constant"
        if k < 0.15
        else "sublinear"
        if k < 0.75
        else "linear"
        if k < 1.25
        else "superlinear"
    )
    return f"{word} (n^{k:.2f})"
