"""Several workers (issue 19): `python -m bench.workers`, and a step of `make bench`.

The one-product history at 8 connections against `stockline serve` with one worker, then
with two, taking turns ROUNDS times on the same SQLite store, the best of each kept. The
load generator runs on the same two cores, so two workers cannot reach 2x here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bench.http import Plan, queries, serve_and_measure, start_stockline
from bench.stores import ROOT, Store, fresh_store, seed_file

ROUNDS = 2
QUERY = "(a) one product's history"


def figures(store: Store, plan: Plan) -> dict[str, Any]:
    eight = Plan(plan.products, plan.days, plan.seconds, plan.warmup, (8,))
    load = {QUERY: queries(eight)[QUERY]}
    best: dict[int, dict[str, float]] = {}
    for _ in range(ROUNDS):
        for workers in (1, 2):
            server = start_stockline(store, workers=workers)
            ran = serve_and_measure(server, load, eight, "/api/health")[QUERY][0]
            if workers not in best or ran["rps"] > best[workers]["rps"]:
                best[workers] = ran
    return {"one": best[1], "two": best[2], "ratio": best[2]["rps"] / best[1]["rps"]}


def table(found: dict[str, Any]) -> list[str]:
    lines = ["| workers | req/s, 8 connections | p99 ms |", "|---:|---:|---:|"]
    for label, key in (("1", "one"), ("2", "two")):
        run = found[key]
        lines.append(f"| {label} | {run['rps']:,.0f} | {run['p99_ms']:.1f} |")
    return [*lines, "", f"Two workers against one: {found['ratio']:.2f}x."]


def main() -> None:
    store = fresh_store("sqlite", "workers")
    store.run("import", str(seed_file(100, 1095)), "--mode", "replace")
    found = figures(store, Plan(100, 1095, seconds=5.0, warmup=1.0))
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([f"# Workers ({started}, 100 x 1,095 on SQLite)", "", *table(found), ""])
    (ROOT / "results" / "workers.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
