"""`stockline db upgrade` and `stockline openapi`: the SQL schema, and the API's document."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from adapters.storage import storage_from_url
from api.cli.common import settings
from api.settings import Settings
from domain.errors import DomainError


@click.group()
def db() -> None:
    """The SQL schema."""


@db.command()
def upgrade() -> None:
    """Apply schema migrations to the configured SQL database."""
    configured = settings()
    url = configured.storage
    try:
        done = storage_from_url(url, configured.statement_timeout).migrate()
    except DomainError as error:
        raise click.ClickException(f"{error} (STOCKLINE_STORAGE={url})") from None
    click.echo(done or f"nothing to do: {url} is not a SQL database")


@click.command()
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
