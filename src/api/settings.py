"""Settings: one frozen object, built from the environment by one function."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from adapters.storage import DEFAULT_STORAGE

PREFIX = "STOCKLINE_"


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


def settings_from_env(environ: Mapping[str, str]) -> Settings:
    """Read every STOCKLINE_* variable; unset ones keep their defaults."""
    defaults = Settings()
    origins = environ.get(PREFIX + "CORS_ORIGINS", "")
    return Settings(
        storage=environ.get(PREFIX + "STORAGE", "").strip() or defaults.storage,
        host=environ.get(PREFIX + "HOST", "").strip() or defaults.host,
        port=_integer(environ, "PORT", defaults.port, 1, 65535),
        cors_origins=tuple(origin.strip() for origin in origins.split(",") if origin.strip()),
        frontend_dir=Path(
            environ.get(PREFIX + "FRONTEND_DIR", "").strip() or defaults.frontend_dir
        ),
        max_upload_bytes=_integer(
            environ, "MAX_UPLOAD_BYTES", defaults.max_upload_bytes, 1024, 2**40
        ),
        log_level=environ.get(PREFIX + "LOG_LEVEL", "").strip().lower() or defaults.log_level,
        api_token=environ.get(PREFIX + "API_TOKEN", "").strip() or None,
    )
