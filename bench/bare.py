"""The practical limit: query (a) served by a bare ASGI callable, no framework.

`sqlite_app` reads BENCH_SQLITE (a database file) with the standard `sqlite3` module;
`postgres_app` reads BENCH_POSTGRES (a DSN) with asyncpg. Both encode with msgspec and
answer GET /?product_id=N with the same JSON rows as /api/inventory. Serve them with
the same server as Stockline, through `stockline serve`'s own runners (`main` below).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import msgspec

QUERY = (
    "SELECT r.product_id, p.name, r.date, r.inventory_level FROM inventory_records r "
    "JOIN products p ON p.id = r.product_id WHERE r.product_id = {} ORDER BY r.date"
)
FIELDS = ("product_id", "product_name", "date", "inventory_level")
HEADERS = [(b"content-type", b"application/json")]
encode = msgspec.json.Encoder().encode


def _product_id(scope: dict[str, Any]) -> int:
    query = scope["query_string"].decode()
    return int(query.partition("product_id=")[2].partition("&")[0] or 0)


async def _answer(send: Any, body: bytes, status: int = 200) -> None:
    headers = [*HEADERS, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Any, send: Any, start: Any = None, stop: Any = None) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if start:
                await start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if stop:
                await stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


class SqliteLimit:
    """sqlite3 on the event loop's thread: no pool, no thread hop, one connection."""

    def __init__(self) -> None:
        self.db: sqlite3.Connection | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send)
        if self.db is None:
            self.db = sqlite3.connect(os.environ["BENCH_SQLITE"], check_same_thread=False)
        rows = self.db.execute(QUERY.format("?"), (_product_id(scope),)).fetchall()
        await _answer(send, encode([dict(zip(FIELDS, row, strict=True)) for row in rows]))


class PostgresLimit:
    """asyncpg with a small pool; rows straight to msgspec."""

    def __init__(self) -> None:
        self.pool: Any = None

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(os.environ["BENCH_POSTGRES"], min_size=1, max_size=8)

    async def stop(self) -> None:
        await self.pool.close()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send, self.start, self.stop)
        rows = await self.pool.fetch(QUERY.format("$1"), _product_id(scope))
        await _answer(send, encode([dict(zip(FIELDS, row, strict=True)) for row in rows]))


def sqlite_app() -> SqliteLimit:
    return SqliteLimit()


def postgres_app() -> PostgresLimit:
    return PostgresLimit()


def main() -> None:
    """`python -m bench.bare sqlite|postgres granian|uvicorn PORT`: serve one limit app."""
    from api.cli.server import run_granian, run_uvicorn

    which, server, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    factory = {"sqlite": sqlite_app, "postgres": postgres_app}[which]
    if server == "uvicorn":
        run_uvicorn(factory(), "127.0.0.1", port, "warning")
    else:
        run_granian(f"bench.bare:{factory.__name__}", "127.0.0.1", port, "warning")


if __name__ == "__main__":
    main()
