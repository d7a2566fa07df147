"""`python -m bench [--small]` (or `make bench`): every figure of issue 7 in one run.

Seeds the data set, loads it into each backend, measures import, export, start-up and
memory, the HTTP loads against one worker and against the bare limit, the CSV store's
durable edit at three sizes, and the front end; writes bench/results/ and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench import frontend, http, imports, report, scale, targets, wire, workers
from bench.stores import (
    BACKENDS,
    DATA,
    ROOT,
    Store,
    drop_postgres_databases,
    fresh_store,
    postgres_available,
    seed_file,
)


@dataclass(frozen=True)
class Preset:
    size: tuple[int, int]  # products x days of the HTTP data set (the largest)
    growth: list[tuple[int, int]]  # smaller sizes, for how each figure grows
    seconds: float  # of load per figure
    chart_runs: int


PRESETS = {
    "standard": Preset((1000, 1095), [(10, 1000), (100, 1000)], 5.0, 5),
    "small": Preset((100, 365), [(10, 100), (10, 1000)], 1.5, 3),
}
SERVERS = ("granian", "uvicorn")
ROUNDS = 2


def scale_figures(
    backends: list[str], sizes: list[tuple[int, int]], results: dict[str, Any]
) -> dict[str, Store]:
    """Import, export and start-up per backend and size; the stores of the largest size."""
    stores: dict[str, Store] = {}
    for backend in backends:
        results["scale"][backend] = {}
        for products, days in sizes[1:]:  # the smallest size is for the edit figure only
            data = seed_file(products, days)
            store, figures = scale.load_store(backend, f"{backend}-{products}x{days}", data)
            figures["start"] = scale.start_up(store)
            results["scale"][backend][str(products * days)] = figures
            stores[backend] = store
        results["growth"][backend] = growth_of(results["scale"][backend])
    return stores


def growth_of(by_size: dict[str, dict[str, Any]]) -> dict[str, str]:
    def points(*path: str) -> list[tuple[int, float]]:
        out = []
        for rows, fig in sorted(by_size.items(), key=lambda item: int(item[0])):
            value: Any = fig
            for key in path:
                value = value[key]
            out.append((int(rows), float(value)))
        return out

    return {
        "import": scale.growth(points("import", "seconds")),
        "import_rss": scale.growth(points("import", "peak_rss_mib")),
        "export": scale.growth(points("export", "seconds")),
        "start": scale.growth(points("start", "first_answer_s")),
        "rss": scale.growth(points("start", "rss_mib")),
    }


def http_figures(stores: dict[str, Store], plan: http.Plan, results: dict[str, Any]) -> None:
    """Queries (a)-(d) on each backend, and (a) on the bare limits, on the default server."""
    loads, limit = http.queries(plan), {"limit": http.limit_query(plan)}
    for backend, store in stores.items():
        if backend != "csv":
            ran = http.serve_and_measure(http.start_limit(store), limit, plan, "/?product_id=1")
            results["limits"][backend] = ran["limit"]
        results["http"][backend] = http.serve_and_measure(
            http.start_stockline(store), loads, plan, "/api/health"
        )


def server_figures(stores: dict[str, Store], plan: http.Plan, results: dict[str, Any]) -> None:
    """Query (a) at 8 connections under each ASGI server, for Stockline and the limit.

    The servers take turns, ROUNDS times, and the best round of each is kept: on a shared
    machine one round alone swings by a fifth either way.
    """
    one = http.Plan(plan.products, plan.days, plan.seconds, plan.warmup, (8,))
    query, limit = http.queries(one)["(a) one product's history"], http.limit_query(one)
    apps = [(f"stockline on {b}", stores[b], False) for b in ("sqlite", "csv") if b in stores]
    if "sqlite" in stores:
        apps.append(("bare limit on sqlite", stores["sqlite"], True))
    for name, store, bare in apps:
        for _ in range(ROUNDS):
            for server in SERVERS:
                started = (
                    http.start_limit(store, server) if bare else http.start_stockline(store, server)
                )
                ready = "/?product_id=1" if bare else "/api/health"
                ran = http.serve_and_measure(started, {"q": limit if bare else query}, one, ready)[
                    "q"
                ][0]
                best = results["servers"].setdefault(name, {}).get(server)
                if best is None or ran["rps"] > best["rps"]:
                    results["servers"][name][server] = ran


def edit_figures(sizes: list[tuple[int, int]], results: dict[str, Any]) -> None:
    """One durable edit on the CSV store, at each size."""
    for products, days in sizes:
        store = fresh_store("csv", f"edit-{products}x{days}")
        store.run("import", str(seed_file(products, days)), "--mode", "replace")
        results["csv_edit"][str(products * days)] = scale.durable_edit_ms(store)
    points = [(int(rows), fig["p50_ms"]) for rows, fig in results["csv_edit"].items()]
    results["growth"]["csv_edit"] = scale.growth(points)


@contextmanager
def step(name: str) -> Iterator[None]:
    """Say on standard error what runs and how long it took."""
    print(f"bench: {name}...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    yield
    print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def measure_everything(preset: Preset) -> dict[str, Any]:
    """Every figure of one run, in the shape report.py and targets.py read."""
    products, days = preset.size
    sizes = [*preset.growth, (products, days)]
    shutil.rmtree(DATA / "logs", ignore_errors=True)
    (DATA / "logs").mkdir(parents=True)
    backends = [b for b in BACKENDS if b != "postgresql" or postgres_available()]
    sections = ("scale", "growth", "http", "limits", "servers", "csv_edit")
    results: dict[str, Any] = {key: {} for key in sections}
    plan = http.Plan(products, days, preset.seconds, warmup=preset.seconds / 4)
    try:
        with step("import, export, start-up"):
            stores = scale_figures(backends, sizes, results)
        with step("HTTP loads"):
            http_figures(stores, plan, results)
        if "sqlite" in stores:
            with step("compression"):
                results["wire"] = wire.figures(stores["sqlite"], plan)
            with step("workers"):
                results["workers"] = workers.figures(stores["sqlite"], plan)
        with step("ASGI servers"):
            server_figures(stores, plan, results)
        with step("CSV durable edits"):
            edit_figures(sizes, results)
        with step("reads during a 64 MiB import"):
            results["imports"] = imports.figures(backends)
        with step("front end"):
            results["frontend"] = frontend.figures(preset.chart_runs)
    finally:
        drop_postgres_databases()
    results["meta"] = {
        "products": products,
        "days": days,
        "rows": products * days,
        "server": http.DEFAULT_SERVER,
        "seconds": plan.seconds,
        "warmup": plan.warmup,
        "machine": f"{os.cpu_count()} cores",
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100 x 365 records: a quick run")
    name = "small" if parser.parse_args().small else "standard"
    started = time.perf_counter()
    results = measure_everything(PRESETS[name])
    results["meta"].update(
        preset=name,
        started=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        took_s=time.perf_counter() - started,
    )
    judged = targets.judge(results)
    results["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in judged]
    text = report.markdown(results, judged)
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / f"{name}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
