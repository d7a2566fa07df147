"""`stockline`: serve the API, migrate, seed, import and export from the command line."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import msgspec

from adapters.storage import Storage, storage_from_url
from api.check_report import report_lines
from api.collector import collector_paused
from api.settings import SettingError, Settings, pass_to_workers, settings_from_environment
from domain import history, transfer
from domain.changes import MAX_CHANGES_PAGE, Author, Change, ChangeQuery
from domain.check import check_store
from domain.errors import DomainError, InvalidRows
from domain.sample_data import sample_rows
from domain.transfer import ImportMode

if TYPE_CHECKING:
    from litestar import Litestar

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return settings_from_environment()
    except SettingError as error:
        raise click.ClickException(str(error)) from None


def _storage_of(settings: Settings) -> Storage:
    """The settings' storage; a URL no adapter can use stops the command with one line."""
    try:
        return storage_from_url(settings.storage, settings.statement_timeout)
    except DomainError as error:
        raise click.ClickException(f"STOCKLINE_STORAGE: {error}") from None


def _with_storage(action: Callable[[Storage], Awaitable[T]]) -> T:
    """Open the configured storage, run `action` on it, close it; errors become messages."""
    settings = _settings()
    url = settings.storage

    async def run() -> T:
        storage = storage_from_url(url, settings.statement_timeout)
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
    more = f"\n  ... and {error.count - shown} more" if error.count > shown else ""
    return click.ClickException(f"{error}\n{lines}{more}")


def _author_options(command: Callable[..., None]) -> Callable[..., None]:
    """--actor and --note: who makes this write and why, as the change history shows it."""
    command = click.option("--note", help="Why: kept with each change in the history")(command)
    return click.option(
        "--actor", default="", help="The name the history shows [default: anonymous]"
    )(command)


def _author(actor: str, note: str | None) -> Author:
    try:
        return Author(actor, note)
    except DomainError as error:
        raise click.BadParameter(str(error)) from None


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
    if host:  # the app's settings (in granian's worker too) allow the host it listens on
        pass_to_workers("HOST", host)
    settings = _settings()
    host, port = settings.host, port or settings.port
    bounds = ServerBounds(settings.header_timeout, settings.shutdown_grace, settings.body_timeout)
    if server == "uvicorn":
        run_uvicorn(app_from_environment(), host, port, settings.log_level, bounds)
    else:
        import api.app  # noqa: F401 - imported once here, inherited by the forked worker

        _storage_of(settings)  # a storage no adapter can use stops us before a worker starts
        run_granian("api.cli:app_from_environment", host, port, settings.log_level, bounds)


def app_from_environment() -> Litestar:
    """The app the STOCKLINE_* variables describe (granian's worker imports this)."""
    from api.app import create_app

    settings = _settings()
    app = create_app(settings, _storage_of(settings))
    # The framework's ~80,000 long-lived objects out of the collector's reach: a full
    # collection scanned them all, a 40 ms pause every few dozen requests (the p99).
    gc.freeze()
    return app


@dataclass(frozen=True, slots=True)
class ServerBounds:
    """What the server itself bounds (the app bounds request bodies; see api.body_deadline)."""

    header_timeout: float  # seconds for a request head to arrive
    shutdown_grace: int  # seconds in-flight requests get after SIGTERM
    body_timeout: float  # seconds the leftover body of an answered request may take (uvicorn)


DEFAULT_BOUNDS = ServerBounds(header_timeout=10.0, shutdown_grace=30, body_timeout=30.0)


def run_uvicorn(
    app: Any, host: str, port: int, log_level: str, bounds: ServerBounds = DEFAULT_BOUNDS
) -> None:
    """Serve an ASGI app with uvicorn on uvloop, HTTP parsed by h11.

    Request heads up to 1 MiB reach the app, which answers a problem document for a URL it
    refuses; both HTTP parsers would otherwise answer a long one (over 16 KiB for h11, 64 KiB
    for httptools) themselves, with a plain-text 400 the API does not document. A head must
    arrive within `bounds.header_timeout` (uvicorn has no such bound of its own; see
    api.slow_clients).
    """
    import uvicorn

    from api.slow_clients import bounded_protocol

    uvicorn.run(
        app,
        host=host,
        port=port,
        http=bounded_protocol(bounds.header_timeout, bounds.body_timeout),
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
        log_level=log_level,
        # At its end, uvicorn cancels the requests still running; their transactions roll back.
        timeout_graceful_shutdown=bounds.shutdown_grace,
        access_log=False,  # the app logs each request itself, with its duration
    )


def run_granian(
    factory: str, host: str, port: int, log_level: str, bounds: ServerBounds = DEFAULT_BOUNDS
) -> None:
    """Serve the app `factory` ("module:function") returns with granian: one worker, uvloop.

    granian bounds request heads itself (hyper's header_read_timeout, in milliseconds).
    """
    from granian.constants import Interfaces, Loops
    from granian.http import HTTP1Settings
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
        http1_settings=HTTP1Settings(
            header_read_timeout=max(1, round(bounds.header_timeout * 1000))
        ),
        # granian reads 0 as "wait for ever"; uvicorn reads 0 as "cancel at once".
        workers_kill_timeout=max(1, bounds.shutdown_grace),
    ).serve()


@main.group()
def db() -> None:
    """The SQL schema."""


@db.command()
def upgrade() -> None:
    """Apply schema migrations to the configured SQL database."""
    settings = _settings()
    url = settings.storage
    try:
        done = storage_from_url(url, settings.statement_timeout).migrate()
    except DomainError as error:
        raise click.ClickException(f"{error} (STOCKLINE_STORAGE={url})") from None
    click.echo(done or f"nothing to do: {url} is not a SQL database")


@main.command()
@click.option("--products", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 36_500))
@click.option("--seed", "seed_value", default=1, show_default=True, help="Same seed, same data")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day [default: today]")
@click.option("--if-empty", is_flag=True, help="Do nothing when the store has products")
@_author_options
def seed(
    products: int,
    days: int,
    seed_value: int,
    end: dt.datetime | None,
    if_empty: bool,
    actor: str,
    note: str | None,
) -> None:
    """Fill the store with deterministic sample data (levels as a random walk with restocks)."""
    last = end.date() if end else dt.date.today()
    author = _author(actor, note)

    async def action(storage: Storage) -> str:
        if if_empty:
            async with storage.unit_of_work() as uow:
                if await uow.products.next_id() > 1:
                    return "the store has data already; not seeding"
        rows = list(sample_rows(products, days, last, seed_value))
        with _progress("seeding") as progress, collector_paused():
            report = await transfer.import_rows(
                storage.unit_of_work(), rows, on_progress=progress, author=author
            )
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
@_author_options
def import_command(file: Path, mode: str, dry_run: bool, actor: str, note: str | None) -> None:
    """Import FILE in the brief's CSV format, all or nothing."""
    author = _author(actor, note)
    click.echo(f"reading {file}", err=True)

    async def action(storage: Storage) -> transfer.ImportReport:
        with _progress("importing") as progress:
            return await transfer.import_rows(
                storage.unit_of_work(), rows, ImportMode(mode), dry_run, progress, author
            )

    with collector_paused():
        try:
            rows = transfer.parse_file(file.read_bytes())
        except InvalidRows as error:
            raise _bad_lines(error) from None
        report = _with_storage(action)
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{verb} {report.records_written} records from {report.rows} rows; "
        f"{report.products_created} products created, {report.products_removed} removed"
        + (f"; import id {report.import_id}" if report.import_id else "")
    )


@main.command()
@click.option("--product-id", type=click.IntRange(1), multiple=True, help="Only these (repeat)")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First record date")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last record date")
@click.option("--actor", help="Only this person's changes")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, MAX_CHANGES_PAGE))
@click.option("--cursor", type=click.IntRange(1), help="Older than this change id")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line")
def changes(
    product_id: tuple[int, ...],
    start: dt.datetime | None,
    end: dt.datetime | None,
    actor: str | None,
    limit: int,
    cursor: int | None,
    as_json: bool,
) -> None:
    """List the change history, newest first (the filters of GET /api/changes)."""
    query = ChangeQuery(
        product_id,
        start.date() if start else None,
        end.date() if end else None,
        actor,
        cursor,
        limit,
    )
    page = _with_storage(lambda storage: history.list_changes(storage.unit_of_work(), query))
    for change in page.items:
        click.echo(_change_json(change) if as_json else _change_line(change))
    if page.next_before_id is not None:
        click.echo(f"more: --cursor {page.next_before_id}", err=True)


@main.command()
@click.argument("change_id", type=click.IntRange(1), required=False)
@click.option("--import", "import_id", help="Undo this whole import instead")
@_author_options
def undo(change_id: int | None, import_id: str | None, actor: str, note: str | None) -> None:
    """Undo CHANGE_ID, or a whole import; refused if a record changed since."""
    author = _author(actor, note)
    if (change_id is None) == (import_id is None):
        raise click.UsageError("give a CHANGE_ID or --import IMPORT_ID")
    if import_id is not None:
        with _progress("undoing") as progress, collector_paused():
            undone = _with_storage(
                lambda storage: history.undo_import(
                    storage.unit_of_work(), import_id, author, progress
                )
            )
        click.echo(f"restored {undone.records_restored} records of import {import_id}")
        return
    assert change_id is not None
    change = _with_storage(
        lambda storage: history.undo_change(storage.unit_of_work(), change_id, author)
    )
    click.echo(_change_line(change))


@main.command("check")
def check_command() -> None:
    """Check every record against its change history; exit 1 when anything disagrees."""
    with _progress("checking") as progress, collector_paused():
        found = _with_storage(lambda storage: check_store(storage.unit_of_work(), progress))
    for line in report_lines(found):
        click.echo(line)
    if not found.ok:
        sys.exit(1)


def _level(level: int | None) -> str:
    return "-" if level is None else str(level)


def _change_line(change: Change) -> str:
    origin = change.origin
    why = origin.cause.value + (f" {origin.import_id}" if origin.import_id else "")
    why += f" of {change.undoes}" if change.undoes else ""
    note = f"  {origin.note}" if origin.note else ""
    return (
        f"{change.id}\t{origin.at.isoformat(timespec='seconds')}\t{origin.actor}\t{why}\t"
        f"product {change.product_id} {change.date.isoformat()}: "
        f"{_level(change.before)} -> {_level(change.after)}{note}"
    )


def _change_json(change: Change) -> str:
    from api.schemas import ChangeOut

    return msgspec.json.encode(ChangeOut.of(change)).decode()


@main.command("export")
@click.argument(
    "file", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=False
)
@click.option("--product-id", type=click.IntRange(1), multiple=True, help="Only these (repeat)")
def export_command(file: Path | None, product_id: tuple[int, ...]) -> None:
    """Export the store (or some products) to FILE, or to standard output.

    Written as it is read, a slice of products at a time; a FILE appears only when whole.
    """
    temporary = None if file is None else file.with_name(file.name + ".part")

    async def action(storage: Storage) -> int:
        slices = await transfer.export_rows(storage.unit_of_work(), product_id or None)
        rows = 0
        with contextlib.ExitStack() as stack:
            out = (
                sys.stdout
                if temporary is None
                else stack.enter_context(temporary.open("w", encoding="utf-8", newline=""))
            )
            async for text in transfer.export_text(slices):
                out.write(text)
                rows += text.count("\n")
                if temporary is not None:
                    click.echo(f"\rexporting: {rows - 1} rows", err=True, nl=False)
        return rows - 1  # the header

    try:
        rows = _with_storage(action)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    if file is not None and temporary is not None:
        temporary.replace(file)
        click.echo(f"\rexported {rows} rows to {file}", err=True)


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
    """A progress bar on standard error for long work; silent for short work. It appears
    with the first step, which tells the total (an undo knows it only once it has read)."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar: Any = None
        self._done = 0

    def __enter__(self) -> Callable[[int, int], None]:
        return self._advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

    def _advance(self, done: int, total: int) -> None:
        if self._bar is None and total >= 50_000:
            self._bar = click.progressbar(length=total, label=self._label, file=sys.stderr)
            self._bar.__enter__()
        if self._bar is not None:
            self._bar.update(done - self._done)
        self._done = done
