"""`stockline changes`, `undo` and `check`: the change history, and the store against it."""

from __future__ import annotations

import datetime as dt
import sys

import click
import msgspec

from api.check_report import report_lines
from api.cli.common import author, author_options, progress, with_storage
from api.collector import collector_paused
from domain import history
from domain.changes import MAX_CHANGES_PAGE, Change, ChangeQuery
from domain.check import check_store


@click.command()
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
    page = with_storage(lambda storage: history.list_changes(storage.unit_of_work(), query))
    for change in page.items:
        click.echo(_change_json(change) if as_json else _change_line(change))
    if page.next_before_id is not None:
        click.echo(f"more: --cursor {page.next_before_id}", err=True)


@click.command()
@click.argument("change_id", type=click.IntRange(1), required=False)
@click.option("--import", "import_id", help="Undo this whole import instead")
@author_options
def undo(change_id: int | None, import_id: str | None, actor: str, note: str | None) -> None:
    """Undo CHANGE_ID, or a whole import; refused if a record changed since."""
    by = author(actor, note)
    if (change_id is None) == (import_id is None):
        raise click.UsageError("give a CHANGE_ID or --import IMPORT_ID")
    if import_id is not None:
        with progress("undoing") as advance, collector_paused():
            undone = with_storage(
                lambda storage: history.undo_import(storage.unit_of_work(), import_id, by, advance)
            )
        click.echo(f"restored {undone.records_restored} records of import {import_id}")
        return
    assert change_id is not None
    change = with_storage(
        lambda storage: history.undo_change(storage.unit_of_work(), change_id, by)
    )
    click.echo(_change_line(change))


@click.command("check")
def check_command() -> None:
    """Check every record against its change history; exit 1 when anything disagrees."""
    with progress("checking") as advance, collector_paused():
        found = with_storage(lambda storage: check_store(storage.unit_of_work(), advance))
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
        f"{_level(change.previous_level)} -> {_level(change.new_level)}{note}"
    )


def _change_json(change: Change) -> str:
    from api.schemas import ChangeOut

    return msgspec.json.encode(ChangeOut.of(change)).decode()
