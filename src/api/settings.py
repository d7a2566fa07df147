"""Settings: one frozen object, built from the environment by one function.

The only module that reads the environment, and the one that holds the defaults: adapters
take URLs and values as parameters.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from adapters.storage import UnknownStorage, check_storage_url
from api.origins import canonical_origin, host_name

PREFIX = "STOCKLINE_"
DEFAULT_STORAGE = "csv:///data/inventory.csv"
LOG_LEVELS = ("debug", "info", "warning", "error")


class SettingError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    storage: str = DEFAULT_STORAGE
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: tuple[str, ...] = ()
    frontend_dir: Path = Path("frontend/dist")
    max_upload_bytes: int = 64 * 1024 * 1024
    log_level: str = "info"
    api_token: str | None = None  # when set, changing data needs it as a bearer token
    # Host names the server answers to; None: `host`, the loopback names and the IP address a
    # request arrives at; ("*",): any (which gives up the defence against DNS rebinding).
    allowed_hosts: tuple[str, ...] | None = None
    max_imports: int = 1  # imports checked or written at once by one server process
    # Seconds. A request head not complete this long after the connection opened (or after the
    # first byte of the next request on a kept-alive one) closes the connection: slowloris.
    header_timeout: float = 10.0
    # The longest wait for the next piece of a request body (an upload that stalls): 408.
    body_timeout: float = 30.0
    # PostgreSQL: the longest one statement may run, lock waits included (0: no limit). One
    # statement, not a transaction: an import writes in statements of 10,000 rows.
    statement_timeout: float = 30.0
    # After SIGTERM, how long requests in flight may take to finish before they are cancelled.
    shutdown_grace: int = 30  # whole seconds, as both servers count them
    # Server processes, each with its own storage connection; they share the store as any
    # processes do. A store in memory is one process's own: one worker only.
    workers: int = 1


def _integer(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = environ.get(PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{PREFIX}{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise SettingError(f"{PREFIX}{name}={value} must be between {low} and {high}")
    return value


def _seconds(
    environ: Mapping[str, str], name: str, default: float, low: float, high: float
) -> float:
    """A duration in seconds; decimals allowed (`0.5`), so tests can use short bounds."""
    raw = environ.get(PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{PREFIX}{name}={raw!r} is not a number of seconds") from None
    if not low <= value <= high:  # NaN fails this too
        raise SettingError(
            f"{PREFIX}{name}={raw.strip()} must be between {low:g} and {high:g} seconds"
        )
    return value


def _names(environ: Mapping[str, str], name: str) -> list[str]:
    return [part.strip() for part in environ.get(PREFIX + name, "").split(",") if part.strip()]


def _origins(environ: Mapping[str, str]) -> tuple[str, ...]:
    """Written as browsers send `Origin`, so a trailing `/` or `:80` still matches."""
    try:
        return tuple(
            o if o == "*" else canonical_origin(o) for o in _names(environ, "CORS_ORIGINS")
        )
    except ValueError as error:
        raise SettingError(f"{PREFIX}CORS_ORIGINS: {error}") from None


def _allowed_hosts(environ: Mapping[str, str]) -> tuple[str, ...] | None:
    names = _names(environ, "ALLOWED_HOSTS")
    if not names:
        return None
    if "*" in names:
        return ("*",)
    try:
        return tuple(dict.fromkeys(host_name(name) for name in names))  # ports are ignored
    except ValueError as error:
        raise SettingError(
            f"{PREFIX}ALLOWED_HOSTS: {error}; give comma-separated host names, or *"
        ) from None


def _storage(environ: Mapping[str, str]) -> str:
    url = environ.get(PREFIX + "STORAGE", "").strip() or DEFAULT_STORAGE
    try:
        check_storage_url(url)
    except UnknownStorage as error:
        raise SettingError(f"{PREFIX}STORAGE: {error}") from None
    return url


def _log_level(environ: Mapping[str, str]) -> str:
    level = environ.get(PREFIX + "LOG_LEVEL", "").strip().lower() or "info"
    if level not in LOG_LEVELS:
        raise SettingError(f"{PREFIX}LOG_LEVEL={level!r} must be one of {', '.join(LOG_LEVELS)}")
    return level


def _api_token(environ: Mapping[str, str]) -> str | None:
    """Set but blank is refused, not read as unset: `=$TOKEN` with TOKEN undefined would
    otherwise open writes to anyone without a word."""
    raw = environ.get(PREFIX + "API_TOKEN")
    if raw is None:
        return None
    if not raw.strip():
        raise SettingError(
            f"{PREFIX}API_TOKEN is set but blank, which would let anyone write: "
            "give it a token, or unset it"
        )
    return raw.strip()


def settings_from_env(environ: Mapping[str, str]) -> Settings:
    """Read every STOCKLINE_* variable; unset ones keep their defaults."""
    defaults = Settings()
    return Settings(
        storage=_storage(environ),
        host=environ.get(PREFIX + "HOST", "").strip() or defaults.host,
        port=_integer(environ, "PORT", defaults.port, 1, 65535),
        cors_origins=_origins(environ),
        frontend_dir=Path(
            environ.get(PREFIX + "FRONTEND_DIR", "").strip() or defaults.frontend_dir
        ),
        max_upload_bytes=_integer(
            environ, "MAX_UPLOAD_BYTES", defaults.max_upload_bytes, 1024, 2**40
        ),
        max_imports=_integer(environ, "MAX_IMPORTS", defaults.max_imports, 1, 64),
        log_level=_log_level(environ),
        api_token=_api_token(environ),
        allowed_hosts=_allowed_hosts(environ),
        header_timeout=_seconds(environ, "HEADER_TIMEOUT", defaults.header_timeout, 0.1, 3600),
        body_timeout=_seconds(environ, "BODY_TIMEOUT", defaults.body_timeout, 0.1, 3600),
        statement_timeout=_seconds(
            environ, "STATEMENT_TIMEOUT", defaults.statement_timeout, 0, 86400
        ),
        shutdown_grace=_integer(environ, "SHUTDOWN_GRACE", defaults.shutdown_grace, 0, 3600),
        workers=_workers(environ),
    )


def _workers(environ: Mapping[str, str]) -> int:
    workers = _integer(environ, "WORKERS", 1, 1, 64)
    if workers > 1 and _storage(environ).startswith("memory:"):
        raise SettingError(
            f"{PREFIX}WORKERS={workers}: a memory:// store lives in one process, so each "
            "worker would have a store of its own; use one worker, or a file or database"
        )
    return workers


def settings_from_environment() -> Settings:
    """The settings of this process's environment (the CLI, alembic and server workers)."""
    return settings_from_env(os.environ)


def pass_to_workers(name: str, value: str) -> None:
    """Set STOCKLINE_`name` for this process and the server workers it starts, which read
    their settings from the environment again."""
    os.environ[PREFIX + name] = value
