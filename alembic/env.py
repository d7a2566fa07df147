"""Alembic's entry point: migrates the database of Stockline's SQL storage.

The URL comes from `upgrade(url)` (adapters.sql.migrations), else from alembic.ini's
sqlalchemy.url, else from STOCKLINE_STORAGE, read by the app's own settings function.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from alembic.util import CommandError
from sqlalchemy.engine import URL, Connection

from adapters.sql.migrations import migration_engine, url_for_alembic
from adapters.sql.tables import metadata
from adapters.sql.urls import create_sqlite_folder
from api.settings import SettingError, settings_from_environment

config = context.config
# Called from the app (a URL in the attributes), alembic must leave the app's logging alone.
if config.config_file_name is not None and "url" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def storage_setting() -> str:
    """STOCKLINE_STORAGE as the app reads it (default included)."""
    try:
        return settings_from_environment().storage
    except SettingError as error:
        raise CommandError(str(error)) from None


def database() -> URL:
    return url_for_alembic(config, storage_setting)


def run_migrations_offline() -> None:
    """Write the SQL to stdout (`alembic upgrade head --sql`) instead of running it."""
    url = database()
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection: Connection) -> None:
    # Batch mode lets later migrations alter SQLite tables (it rebuilds them). DDL is
    # transactional on SQLite too, since migration_engine() emits BEGIN itself.
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    url = database()
    create_sqlite_folder(url)
    engine = migration_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
