"""The schema's alembic migrations: apply them (`stockline db upgrade`) and tell where a database is.

The migration scripts live in `alembic/` at the project root, beside `alembic.ini`.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, inspect, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sql.errors import StorageFailure, reason
from adapters.sql.urls import NotSqlStorage, create_sqlite_folder, database_url, shown
from domain.errors import StorageUnavailable

if TYPE_CHECKING:  # alembic is imported when used: a server only reads the head revision
    from alembic.config import Config

ALEMBIC_INI = Path(__file__).resolve().parents[3] / "alembic.ini"
STORAGE_VARIABLE = "STOCKLINE_STORAGE"
VERSION_TABLE = "alembic_version"
VERSIONS = ALEMBIC_INI.parent / "alembic" / "versions"
_REVISION = re.compile(r"^revision(?:: *str)? *= *[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]*)? *= *(?:None|[\"']([^\"']+)[\"'])$", re.MULTILINE)


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration; with a URL, for that database and without touching logging."""
    from alembic.config import Config

    if not ALEMBIC_INI.is_file():
        raise StorageUnavailable(f"cannot find {ALEMBIC_INI}: the migrations ship with the source")
    config = Config(str(ALEMBIC_INI))
    if url is not None:
        config.attributes["url"] = url  # an attribute, not an option: "%" in a password is safe
    return config


@functools.cache
def head_revision() -> str:
    """The revision the code expects the database to be at.

    Read from the scripts' `revision` and `down_revision` lines when they form one plain
    chain, as ours do: importing alembic would slow every start (bench/results/design-timings.md).
    Anything else (branches, merges) is left to alembic.
    """
    return _plain_chain_head() or _alembic_head()


def _plain_chain_head() -> str | None:
    revisions, parents = set(), set()
    for script in VERSIONS.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, parent = _REVISION.findall(source), _DOWN.search(source)
        if len(revision) != 1 or parent is None:
            return None
        revisions.add(revision[0])
        parents.add(parent[1])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions | {None} else None


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StorageUnavailable("the alembic folder holds no migration")
    return head


def is_known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(connection: Connection) -> str | None:
    """The revision a database is at; None when it was never migrated.

    Read directly rather than through alembic's MigrationContext, which logs two INFO lines
    (one wrongly saying "non-transactional DDL" on SQLite) at every start of the app.
    """
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return None if revision is None else str(revision)


def url_for_alembic(config: Config, storage: Callable[[], str]) -> URL:
    """The database `alembic` works on: given by upgrade(), or sqlalchemy.url, or the app's
    storage setting, which `storage` reads (only when needed)."""
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or storage()
    from alembic.util import CommandError

    try:
        return database_url(url)
    except NotSqlStorage as error:
        raise CommandError(
            f"{error}. Set {STORAGE_VARIABLE} to the database to migrate, "
            f"e.g. {STORAGE_VARIABLE}=sqlite+aiosqlite:///data/inventory.db alembic upgrade head"
        ) from None


def migration_engine(url: URL) -> AsyncEngine:
    """An engine for schema changes; on SQLite their DDL runs inside the transaction too.

    The sqlite3 driver leaves DDL outside any transaction: SQLAlchemy's documented recipe
    emits BEGIN itself, so a failed migration leaves no half-built schema behind.
    """
    engine = create_async_engine(url, poolclass=pool.NullPool)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _driver_leaves_transactions_to_us)
        event.listen(engine.sync_engine, "begin", _emit_begin)
    return engine


def upgrade(url: str) -> str:
    """Bring the database of `url` to the head revision; a line saying what was done.

    Runs its own event loop (alembic's env.py calls asyncio.run): call it from synchronous
    code or through asyncio.to_thread.
    """
    from alembic import command
    from alembic.util import CommandError

    _refuse_inside_a_running_loop()
    parsed = database_url(url)
    create_sqlite_folder(parsed)
    try:
        before = asyncio.run(_revision_of(parsed))
        if before == head_revision():
            return f"{shown(parsed)} is already at {before} (head)"
        command.upgrade(alembic_config(parsed.render_as_string(hide_password=False)), "head")
    except (*StorageFailure, CommandError) as error:  # CommandError: a revision we do not know
        raise StorageUnavailable(f"cannot upgrade {shown(parsed)}: {reason(error)}") from None
    return f"upgraded {shown(parsed)} from {before or 'none'} to {head_revision()}"


async def _revision_of(url: URL) -> str | None:
    engine = migration_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(current_revision)
    finally:
        await engine.dispose()


def _refuse_inside_a_running_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError("upgrade() runs its own event loop: call it via asyncio.to_thread")


def _driver_leaves_transactions_to_us(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _emit_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")
