"""`stockline`: serve the API, migrate, seed, import and export from the command line.

One module per command group; this one gathers them under `main`, the console script.
"""

from __future__ import annotations

import click

from api.cli.data import export_command, import_command, seed
from api.cli.history import changes, check_command, undo
from api.cli.schema import db, openapi
from api.cli.server import DEFAULT_BOUNDS, ServerBounds, serve

__all__ = ["DEFAULT_BOUNDS", "ServerBounds", "main"]


@click.group()
def main() -> None:
    """Stockline: the inventory level of each product over time."""


COMMANDS = (serve, db, seed, import_command, export_command, changes, undo, check_command, openapi)
for command in COMMANDS:
    main.add_command(command)
