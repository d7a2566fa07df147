"""The HTTP figures: queries (a)-(d) against `stockline serve`, and (a) against the limit."""

from __future__ import annotations

import datetime as dt
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.load import Request, load, request_bytes
from bench.procs import Server
from bench.stores import DATA, LAST_DAY, STOCKLINE, Store

DEFAULT_SERVER = "uvicorn"  # what `stockline serve` runs unless told otherwise


@dataclass(frozen=True)
class Plan:
    """How hard and how long to push."""

    products: int
    days: int
    seconds: float
    warmup: float = 1.0
    connections: tuple[int, ...] = (1, 8)


def queries(plan: Plan) -> dict[str, Request]:
    """The brief's four loads; the n-th request of a connection picks its own product."""
    count, last = plan.products, dt.date.fromisoformat(LAST_DAY)

    def product(n: int) -> int:
        return 1 + (n * 7919) % count

    def one(n: int) -> bytes:
        return request_bytes("GET", f"/api/inventory?product_id={product(n)}")

    def five(n: int) -> bytes:
        ids = "&".join(f"product_id={1 + (product(n) + i) % count}" for i in range(5))
        return request_bytes("GET", f"/api/inventory?{ids}")

    def listing(n: int) -> bytes:
        return request_bytes("GET", f"/api/products?limit=50&offset={(n * 50) % count}")

    def write(n: int) -> bytes:
        date = last - dt.timedelta(days=n % plan.days)
        body = b'{"inventory_level": %d}' % (n % 500)
        return request_bytes("PUT", f"/api/products/{product(n)}/inventory/{date}", body)

    return {
        "(a) one product's history": one,
        "(b) five products' history": five,
        "(c) product list": listing,
        "(d) level writes (PUT)": write,
    }


def limit_query(plan: Plan) -> Request:
    return lambda n: request_bytes("GET", f"/?product_id={1 + (n * 7919) % plan.products}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_stockline(
    store: Store, server: str = DEFAULT_SERVER, ui: Path | None = None, workers: int = 1
) -> Server:
    port = free_port()
    command = [STOCKLINE, "serve", "--port", str(port), "--server", server]
    command += ["--workers", str(workers)]
    env = store.env(STOCKLINE_FRONTEND_DIR=str(ui)) if ui else store.env()
    return Server(command, env, port, DATA / "logs" / f"{store.backend}-{server}.log")


def start_limit(store: Store, server: str = DEFAULT_SERVER) -> Server:
    """The bare ASGI callable over the same database, on the same server."""
    port, which = free_port(), "sqlite" if store.sqlite_file else "postgres"
    env = store.env(
        BENCH_SQLITE=str(store.sqlite_file or ""), BENCH_POSTGRES=store.postgres_dsn or ""
    )
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    command = [sys.executable, "-m", "bench.bare", which, server, str(port)]
    return Server(command, env, port, DATA / "logs" / f"limit-{which}-{server}.log")


def measure(server: Server, make: Request, connections: int, plan: Plan) -> dict[str, float]:
    """Requests/s, p50 and p99 (ms) and server CPU per request (ms) over one timed window."""
    load(server.port, make, connections, plan.warmup)
    cpu_before = server.cpu()
    result = load(server.port, make, connections, plan.seconds)
    cpu = server.cpu() - cpu_before
    failed = result.errors + sum(n for code, n in result.statuses.items() if code >= 300)
    return {
        "connections": connections,
        "requests": result.requests,
        "rps": result.rate(),
        "p50_ms": result.percentile_ms(0.50),
        "p99_ms": result.percentile_ms(0.99),
        "cpu_ms": 1000 * cpu / max(result.requests, 1),
        "failed": failed,
        "pss_mib": server.rss(),
    }


def serve_and_measure(
    server: Server, loads: dict[str, Request], plan: Plan, ready: str
) -> dict[str, list[dict[str, float]]]:
    """Wait for the server to answer `ready`, run each load at each connection count, stop it."""
    try:
        server.wait_ready(ready)
        return {
            name: [measure(server, make, c, plan) for c in plan.connections]
            for name, make in loads.items()
        }
    finally:
        server.stop()
