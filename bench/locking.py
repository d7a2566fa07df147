"""`python -m bench.locking [--baseline REV] [--this REV]`: what writers' locks cost a level write (PUT).

Serves the same SQLite and PostgreSQL stores with this tree's code and with a baseline
revision's (its `src/` put first on PYTHONPATH), alternating, and prints PUT requests/s and
p99 at 1 and 8 connections, with this code's figures as a ratio to the baseline's: both are
measured in the same run, so the machine's speed cancels out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
from pathlib import Path

from bench.http import Plan, free_port, measure, queries
from bench.procs import Server
from bench.stores import DATA, ROOT, STOCKLINE, Store, fresh_store, postgres_available, seed_file

PUT = "(d) level writes (PUT)"
ROUNDS = 2


def baseline_source(revision: str) -> Path:
    """A revision's src/ folder from git, with this tree's migrations beside it.

    The stores are made by this tree's code, at its schema head; an older revision's code
    would refuse a head it does not know. Later migrations only add what older code ignores.
    """
    folder = DATA / f"revision-{revision}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT.parent), "archive", revision, "src"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    shutil.copytree(ROOT.parent / "alembic", folder / "alembic")
    shutil.copy(ROOT.parent / "alembic.ini", folder / "alembic.ini")
    return folder / "src"


def serve(store: Store, source: Path | None) -> Server:
    """A server running the code in `source` (None: this tree's)."""
    port = free_port()
    env = store.env()
    if source is not None:  # ahead of the editable install's path: the baseline's code runs
        env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")])
    name = source.parent.name if source else "this"
    command = [STOCKLINE, "serve", "--port", str(port)]
    return Server(command, env, port, DATA / "logs" / f"locking-{store.backend}-{name}.log")


def figures(store: Store, source: Path | None, plan: Plan) -> list[dict[str, float]]:
    server = serve(store, source)
    try:
        server.wait_ready("/api/health")
        return [measure(server, queries(plan)[PUT], c, plan) for c in plan.connections]
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default="606d109", help="revision without the locks")
    parser.add_argument("--this", help="revision to measure instead of this tree's code")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    (DATA / "logs").mkdir(parents=True, exist_ok=True)
    plan = Plan(products=100, days=365, seconds=args.seconds)
    source = baseline_source(args.baseline)
    measured = baseline_source(args.this) if args.this else None
    data = seed_file(plan.products, plan.days)
    backends = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    print(
        "| backend | conns | baseline req/s | this req/s | ratio | baseline p99 ms | this p99 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for backend in backends:
        store = fresh_store(backend, f"locking-{backend}")
        store.run("import", str(data))
        runs: dict[str, list[list[dict[str, float]]]] = {"baseline": [], "this": []}
        for _ in range(ROUNDS):  # alternating, so a drift in the machine's speed hits both
            runs["baseline"].append(figures(store, source, plan))
            runs["this"].append(figures(store, measured, plan))
        for index, connections in enumerate(plan.connections):
            old = [run[index] for run in runs["baseline"]]
            new = [run[index] for run in runs["this"]]
            old_rps = statistics.mean(f["rps"] for f in old)
            new_rps = statistics.mean(f["rps"] for f in new)
            old_p99 = statistics.mean(f["p99_ms"] for f in old)
            new_p99 = statistics.mean(f["p99_ms"] for f in new)
            print(
                f"| {backend} | {connections} | {old_rps:.0f} | {new_rps:.0f} | "
                f"{new_rps / old_rps:.2f}x | {old_p99:.1f} | {new_p99:.1f} |"
            )


if __name__ == "__main__":
    main()
