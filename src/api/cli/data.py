"""`stockline seed`, `import` and `export`: data in and out of the store, in the brief's CSV."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path

import click

from adapters.storage import Storage
from api.cli.common import author, author_options, bad_lines, progress, with_storage
from api.collector import collector_paused
from domain import transfer
from domain.errors import InvalidRows
from domain.sample_data import sample_rows
from domain.transfer import ImportMode


@click.command()
@click.option("--products", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 36_500))
@click.option("--seed", "seed_value", default=1, show_default=True, help="Same seed, same data")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day [default: today]")
@click.option("--if-empty", is_flag=True, help="Do nothing when the store has products")
@author_options
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
    by = author(actor, note)

    async def action(storage: Storage) -> str:
        if if_empty:
            async with storage.unit_of_work() as uow:
                if await uow.products.next_id() > 1:
                    return "the store has data already; not seeding"
        rows = list(sample_rows(products, days, last, seed_value))
        with progress("seeding") as advance, collector_paused():
            report = await transfer.import_rows(
                storage.unit_of_work(), rows, on_progress=advance, author=by
            )
        return f"seeded {report.products_created} products, {report.records_written} records"

    click.echo(with_storage(action))


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ImportMode]),
    default="merge",
    show_default=True,
    help="merge adds and replaces records; replace makes FILE the store",
)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing")
@author_options
def import_command(file: Path, mode: str, dry_run: bool, actor: str, note: str | None) -> None:
    """Import FILE in the brief's CSV format, all or nothing."""
    by = author(actor, note)
    click.echo(f"reading {file}", err=True)

    async def action(storage: Storage) -> transfer.ImportReport:
        with progress("importing") as advance:
            return await transfer.import_rows(
                storage.unit_of_work(), rows, ImportMode(mode), dry_run, advance, by
            )

    with collector_paused():
        try:
            rows = transfer.parse_file(file.read_bytes())
        except InvalidRows as error:
            raise bad_lines(error) from None
        report = with_storage(action)
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{verb} {report.records_written} records from {report.rows} rows; "
        f"{report.products_created} products created, {report.products_removed} removed"
        + (f"; import id {report.import_id}" if report.import_id else "")
    )


@click.command("export")
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
        rows = with_storage(action)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    if file is not None and temporary is not None:
        temporary.replace(file)
        click.echo(f"\rexported {rows} rows to {file}", err=True)
