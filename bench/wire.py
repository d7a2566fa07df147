"""Compression (issue 19): `python -m bench.wire`, and a step of `make bench`.

Against one server on SQLite: the bytes on the wire of the 20-product, 1,095-day view with
`Accept-Encoding: br`, and with gzip, against the identity answer; and the one-product
history's requests per second with compression against without, at 1 and 8 connections,
in the same run (the server is the same; only the request's header differs), taking turns.
"""

from __future__ import annotations

import datetime as dt
import http.client
from typing import Any

from bench.http import Plan, serve_and_measure, start_stockline
from bench.load import request_bytes
from bench.stores import ROOT, Store, fresh_store, seed_file

VIEW_PRODUCTS = 20
TURNS = (("plain", {}), ("br", {"Accept-Encoding": "br"}))
ROUNDS = 3


def wire_bytes(port: int, path: str, coding: str) -> tuple[int, str]:
    """The body's bytes as sent (chunked or not, before decoding), and its coding."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Accept-Encoding": coding})
    answer = connection.getresponse()
    body = answer.read()  # http.client takes the chunks apart, and decodes nothing
    connection.close()
    if answer.status != 200:
        raise RuntimeError(f"{path} answered {answer.status}")
    return len(body), answer.getheader("content-encoding") or "identity"


def figures(store: Store, plan: Plan) -> dict[str, Any]:
    view = "/api/inventory?" + "&".join(f"product_id={n}" for n in range(1, VIEW_PRODUCTS + 1))
    count = plan.products

    def history(extra: dict[str, str]) -> Any:
        return lambda n: request_bytes(
            "GET", f"/api/inventory?product_id={1 + (n * 7919) % count}", headers=extra
        )

    server = start_stockline(store)
    found: dict[str, Any] = {"view_days": plan.days}
    try:
        server.wait_ready("/api/health")
        for coding in ("identity", "gzip", "br"):
            size, sent = wire_bytes(server.port, view, coding)
            found[f"view_{coding}_bytes"] = size
            found[f"view_{coding}_sent"] = sent
    finally:
        server.stop()
    # Taking turns, ROUNDS times, the best of each kept: a shared machine's load moves more
    # between two windows than compression costs.
    loads = {f"{name} {turn}": history(extra) for turn in range(ROUNDS) for name, extra in TURNS}
    ran = serve_and_measure(start_stockline(store), loads, plan, "/api/health")
    found["history"] = {
        name: [
            max((ran[f"{name} {turn}"][c] for turn in range(ROUNDS)), key=lambda r: r["rps"])
            for c in range(len(plan.connections))
        ]
        for name, _ in TURNS
    }
    plain, brotli = found["history"]["plain"], found["history"]["br"]
    found["rps_ratio"] = [b["rps"] / p["rps"] for p, b in zip(plain, brotli, strict=True)]
    return found


def table(found: dict[str, Any]) -> list[str]:
    view = [
        f"- the {VIEW_PRODUCTS}-product, {found['view_days']:,}-day view: {found['view_identity_bytes']:,} bytes "
        f"as it is, {found['view_gzip_bytes']:,} with gzip, **{found['view_br_bytes']:,} with "
        f"brotli** ({found['view_br_bytes'] / found['view_identity_bytes']:.3f}x)",
        "",
        "| one product's history | connections | req/s | p99 ms | CPU ms/req |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, runs in found["history"].items():
        label = "brotli" if name == "br" else "no compression"
        view += [
            f"| {label} | {run['connections']} | {run['rps']:,.0f} | {run['p99_ms']:.1f} "
            f"| {run['cpu_ms']:.2f} |"
            for run in runs
        ]
    ratios = " and ".join(f"{ratio:.2f}x" for ratio in found["rps_ratio"])
    return [*view, "", f"With brotli against without, at 1 and 8 connections: {ratios}."]


def main() -> None:
    store = fresh_store("sqlite", "wire")
    store.run("import", str(seed_file(VIEW_PRODUCTS, 1095)), "--mode", "replace")
    found = figures(store, Plan(VIEW_PRODUCTS, 1095, seconds=5.0, warmup=1.0))
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [f"# Compression ({started}, {VIEW_PRODUCTS} x 1,095 on SQLite)", "", *table(found), ""]
    )
    (ROOT / "results" / "wire.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
