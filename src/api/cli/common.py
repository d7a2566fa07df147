"""What every command shares: the settings, the store, authors, progress, errors as messages."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from adapters.storage import Storage, storage_from_url
from api.settings import SettingError, Settings, settings_from_environment
from domain.changes import Author
from domain.errors import DomainError, InvalidRows

T = TypeVar("T")


def settings() -> Settings:
    """The STOCKLINE_* settings; one that cannot be used stops the command with one line."""
    try:
        return settings_from_environment()
    except SettingError as error:
        raise click.ClickException(str(error)) from None


def storage_of(settings: Settings) -> Storage:
    """The settings' storage; a URL no adapter can use stops the command with one line."""
    try:
        return storage_from_url(settings.storage, settings.statement_timeout)
    except DomainError as error:
        raise click.ClickException(f"STOCKLINE_STORAGE: {error}") from None


def with_storage(action: Callable[[Storage], Awaitable[T]]) -> T:
    """Open the configured storage, run `action` on it, close it; errors become messages."""
    configured = settings()
    url = configured.storage

    async def run() -> T:
        storage = storage_from_url(url, configured.statement_timeout)
        await storage.open()
        try:
            return await action(storage)
        finally:
            await storage.close()

    try:
        return asyncio.run(run())
    except InvalidRows as error:
        raise bad_lines(error) from None
    except DomainError as error:
        raise click.ClickException(f"{error} (STOCKLINE_STORAGE={url})") from None


def bad_lines(error: InvalidRows, shown: int = 50) -> click.ClickException:
    lines = "\n".join(f"  line {e.line}: {e.message}" for e in error.errors[:shown])
    more = f"\n  ... and {error.count - shown} more" if error.count > shown else ""
    return click.ClickException(f"{error}\n{lines}{more}")


def author_options(command: Callable[..., None]) -> Callable[..., None]:
    """--actor and --note: who makes this write and why, as the change history shows it."""
    command = click.option("--note", help="Why: kept with each change in the history")(command)
    return click.option(
        "--actor", default="", help="The name the history shows [default: anonymous]"
    )(command)


def author(actor: str, note: str | None) -> Author:
    try:
        return Author(actor, note)
    except DomainError as error:
        raise click.BadParameter(str(error)) from None


class progress:
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
