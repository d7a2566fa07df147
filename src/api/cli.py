"""`stockline`: serve the API, migrate, seed, import and export from the command line."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from adapters.storage import Storage, storage_from_url
from api.settings import SettingError, Settings, settings_from_env
from domain import flat_rows, transfer
from domain.errors import DomainError, InvalidRows
from domain.sample_data import sample_rows
from domain.transfer import ImportMode

if TYPE_CHECKING:
    from litestar import Litestar

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return settings_from_env(os.environ)
    except SettingError as error:
        raise click.ClickException(str(error)) from None


def _with_storage(action: Callable[[Storage], Awaitable[T]]) -> T:
    """Open the configured storage, run `action` on it, close it; errors become messages."""
    url = _settings().storage

    async def run() -> T:
        storage = storage_from_url(url)
        await storage.open()
        try:
            return await action(storage)
        finally:
            await storage.close()

    try:
        return asyncio.run(run())
    except InvalidRows as error:
        raise _bad_lines(error) from None
    except DomainError as error:
        raise click.ClickException(f"{error} (STOCKLINE_STORAGE={url})") from None


def _bad_lines(error: InvalidRows, shown: int = 50) -> click.ClickException:
    lines = "\n".join(f"  line {e.line}: {e.message}" for e in error.errors[:shown])
    more = f"\n  ... and {len(error.errors) - shown} more" if len(error.errors) > shown else ""
    return click.ClickException(f"{error}\n{lines}{more}")


@click.group()
def main() -> None:
    """Stockline: the inventory level of each product over time."""


SERVERS = ("uvicorn", "granian")
MAX_REQUEST_HEAD = 1 << 20


@main.command()
@click.option("--host", help="Address to listen on [default: STOCKLINE_HOST or 127.0.0.1]")
@click.option("--port", type=click.IntRange(1, 65535), help="[default: STOCKLINE_PORT or 8000]")
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default=SERVERS[0],
    show_default=True,
    help="ASGI server; uvicorn (on uvloop) measured as fast and leaner (bench/)",
)
def serve(host: str | None, port: int | None, server: str) -> None:
    """Serve the API (and the UI when built) with one worker until stopped."""
    settings = _settings()
    host, port = host or settings.host, port or settings.port
    if server == "uvicorn":
        run_uvicorn(app_from_environment(), host, port, settings.log_level)
    else:
        import api.app  # noqa: F401 - imported once here, inherited by the forked worker

        storage_from_url(settings.storage)  # an unknown storage stops us before a worker starts
        run_granian("api.cli:app_from_environment", host, port, settings.log_level)


def app_from_environment() -> Litestar:
    """The app the STOCKLINE_* variables describe (granian's worker imports this)."""
    from api.app import create_app

    app = create_app(_settings())
    # The framework's ~80,000 long-lived objects out of the collector's reach: a full
    # collection scanned them all, a 40 ms pause every few dozen requests (the p99).
    gc.freeze()
    return app


def run_uvicorn(app: Any, host: str, port: int, log_level: str) -> None:
    """Serve an ASGI app with uvicorn on uvloop, HTTP parsed by h11.

    Request heads up to 1 MiB reach the app, which answers a problem document for a URL it
    refuses; both HTTP parsers would otherwise answer a long one (over 16 KiB for h11, 64 KiB
    for httptools) themselves, with a plain-text 400 the API does not document.
    """
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        http="h11",
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
        log_level=log_level,
        timeout_graceful_shutdown=10,
        access_log=False,  # the app logs each request itself, with its duration
    )


def run_granian(factory: str, host: str, port: int, log_level: str) -> None:
    """Serve the app `factory` ("module:function") returns with granian: one worker, uvloop."""
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels
    from granian.server import Server

    Server(
        factory,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        loop=Loops.uvloop,
        factory=True,
        log_level=LogLevels(log_level),
        workers_kill_timeout=10,
    ).serve()


@main.group()
def db() -> None:
    """The SQL schema."""


@db.command()
def upgrade() -> None:
    """Apply schema migrations to the configured SQL database."""
    url = _settings().storage
    if not url.startswith(("sqlite", "postgresql")):
        click.echo(f"nothing to do: {url} is not a SQL database")
        return
    from adapters.sql.migrations import upgrade as upgrade_schema

    try:
        click.echo(upgrade_schema(url))
    except DomainError as error:
        raise click.ClickException(f"{error} (STOCKLINE_STORAGE={url})") from None


@main.command()
@click.option("--products", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 36_500))
@click.option("--seed", "seed_value", default=1, show_default=True, help="Same seed, same data")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day [default: today]")
@click.option("--if-empty", is_flag=True, help="Do nothing when the store has products")
def seed(
    products: int, days: int, seed_value: int, end: dt.datetime | None, if_empty: bool
) -> None:
    """Fill the store with deterministic sample data (levels as a random walk with restocks)."""
    last = end.date() if end else dt.date.today()

    async def action(storage: Storage) -> str:
        if if_empty:
            async with storage.unit_of_work() as uow:
                if await uow.products.next_id() > 1:
                    return "the store has data already; not seeding"
        rows = list(sample_rows(products, days, last, seed_value))
        with _progress("seeding", len(rows)) as progress:
            report = await transfer.import_rows(storage.unit_of_work(), rows, on_progress=progress)
        return f"seeded {report.products_created} products, {report.records_written} records"

    click.echo(_with_storage(action))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default="merge",
    show_default=True,
    help="merge adds and replaces records; replace makes FILE the store",
)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing")
def import_command(file: Path, mode: str, dry_run: bool) -> None:
    """Import FILE in the brief's CSV format, all or nothing."""
    click.echo(f"reading {file}", err=True)
    try:
        rows = transfer.parse_file(file.read_bytes())
    except InvalidRows as error:
        raise _bad_lines(error) from None

    async def action(storage: Storage) -> transfer.ImportReport:
        with _progress("importing", len(rows)) as progress:
            return await transfer.import_rows(
                storage.unit_of_work(), rows, ImportMode(mode), dry_run, progress
            )

    report = _with_storage(action)
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{verb} {report.records_written} records from {report.rows} rows; "
        f"{report.products_created} products created, {report.products_removed} removed"
    )


@main.command("export")
@click.argument(
    "file", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=False
)
@click.option("--product-id", type=click.IntRange(1), multiple=True, help="Only these (repeat)")
def export_command(file: Path | None, product_id: tuple[int, ...]) -> None:
    """Export the store (or some products) to FILE, or to standard output."""

    async def action(storage: Storage) -> list[flat_rows.FlatRow]:
        return list(await transfer.export_rows(storage.unit_of_work(), product_id or None))

    rows = _with_storage(action)
    if file is None:
        for chunk in flat_rows.format_rows(rows):
            sys.stdout.write(chunk)
        return
    temporary = file.with_name(file.name + ".part")
    with (
        _progress("exporting", len(rows)) as progress,
        temporary.open("w", encoding="utf-8", newline="") as out,
    ):
        written = 0
        for chunk in flat_rows.format_rows(rows):
            out.write(chunk)
            written = min(len(rows), written + chunk.count("\n"))
            progress(written, len(rows))
    temporary.replace(file)
    click.echo(f"exported {len(rows)} rows to {file}", err=True)


@main.command()
@click.argument(
    "file", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=False
)
def openapi(file: Path | None) -> None:
    """Write the OpenAPI document (JSON) to FILE or standard output."""
    from api.app import create_app

    app = create_app(Settings(storage="memory://"))
    text = json.dumps(app.openapi_schema.to_schema(), indent=2, sort_keys=True) + "\n"
    if file is None:
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8")


class _progress:
    """A progress bar on standard error for long work; silent for short work."""

    def __init__(self, label: str, total: int) -> None:
        self._bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
        self._shown = total >= 50_000
        self._done = 0

    def __enter__(self) -> Callable[[int, int], None]:
        if self._shown:
            self._bar.__enter__()
        return self._advance

    def __exit__(self, *exc: object) -> None:
        if self._shown:
            self._bar.__exit__(None, None, None)

    def _advance(self, done: int, total: int) -> None:
        if self._shown:
            self._bar.update(done - self._done)
        self._done = done
