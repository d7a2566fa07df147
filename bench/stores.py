"""The data set and the three stores it is loaded into, in bench/data/ (git-ignored)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from bench.procs import Finished, run_measured

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
STOCKLINE = str(Path(sys.executable).with_name("stockline"))
LAST_DAY = "2025-12-31"  # fixed, so that every run measures the same rows
POSTGRES = "postgres@127.0.0.1:5432"
BACKENDS = ("csv", "sqlite", "postgresql")


def environment(storage: str, **extra: str) -> dict[str, str]:
    """The process environment with the STOCKLINE_* settings of one store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKLINE_")}
    env.update(STOCKLINE_STORAGE=storage, STOCKLINE_FRONTEND_DIR=str(DATA / "no-ui"))
    env.update(extra)
    return env


def seed_file(products: int, days: int) -> Path:
    """The brief's CSV of `products` x `days` records, made once with `stockline seed`."""
    path = DATA / f"seed-{products}x{days}.csv"
    if not path.exists():
        work = DATA / "seeding"
        shutil.rmtree(work, ignore_errors=True)
        command = [STOCKLINE, "seed", "--products", str(products), "--days", str(days)]
        run_measured([*command, "--end", LAST_DAY], environment(f"csv:///{work}/seed.csv"))
        (work / "seed.csv").replace(path)
        shutil.rmtree(work)
    return path


@dataclass(frozen=True)
class Store:
    """One backend holding a data set."""

    backend: str
    url: str
    sqlite_file: Path | None = None
    postgres_dsn: str | None = None

    def env(self, **extra: str) -> dict[str, str]:
        return environment(self.url, **extra)

    def run(self, *arguments: str) -> Finished:
        return run_measured([STOCKLINE, *arguments], self.env())


def fresh_store(backend: str, name: str) -> Store:
    """An empty store with its schema; a PostgreSQL database named bench_<name>_<pid>."""
    folder = DATA / "stores" / name
    if backend == "csv":
        shutil.rmtree(folder, ignore_errors=True)
        return Store(backend, f"csv:///{folder}/inventory.csv")
    if backend == "sqlite":
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        path = folder / "inventory.db"
        store = Store(backend, f"sqlite+aiosqlite:///{path}", sqlite_file=path)
    else:
        database = f"bench_{name}_{os.getpid()}".replace("-", "_")
        asyncio.run(_postgres(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"))
        dsn = f"postgresql://{POSTGRES}/{database}"
        store = Store(backend, f"postgresql+asyncpg://{POSTGRES}/{database}", postgres_dsn=dsn)
    store.run("db", "upgrade")
    return store


def drop_postgres_databases() -> None:
    """Drop every database this run created."""
    asyncio.run(_drop_ours(f"bench_%_{os.getpid()}"))


async def _postgres(*statements: str) -> None:
    connection = await asyncpg.connect(f"postgresql://{POSTGRES}/postgres", timeout=10)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _drop_ours(pattern: str) -> None:
    connection = await asyncpg.connect(f"postgresql://{POSTGRES}/postgres", timeout=10)
    try:
        names = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", pattern
        )
        for row in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await connection.close()


def postgres_available() -> bool:
    try:
        asyncio.run(_postgres("SELECT 1"))
    except (OSError, asyncpg.PostgresError):
        return False
    return True
