from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import SettingError, Settings, settings_from_env


def test_defaults_when_nothing_is_set() -> None:
    assert settings_from_env({}) == Settings()
    assert Settings().storage == "csv:///data/inventory.csv"


def test_every_variable_is_read() -> None:
    settings = settings_from_env(
        {
            "STOCKLINE_STORAGE": "memory://",
            "STOCKLINE_HOST": "0.0.0.0",
            "STOCKLINE_PORT": "9000",
            "STOCKLINE_CORS_ORIGINS": "http://a.test, http://b.test,",
            "STOCKLINE_FRONTEND_DIR": "web",
            "STOCKLINE_MAX_UPLOAD_BYTES": "2048",
            "STOCKLINE_LOG_LEVEL": "DEBUG",
            "STOCKLINE_API_TOKEN": "t0ken",
            "STOCKLINE_ALLOWED_HOSTS": "inventory.lan",
            "STOCKLINE_MAX_IMPORTS": "3",
            "STOCKLINE_HEADER_TIMEOUT": "2.5",
            "STOCKLINE_BODY_TIMEOUT": "60",
            "STOCKLINE_STATEMENT_TIMEOUT": "0",
            "STOCKLINE_SHUTDOWN_GRACE": " 45 ",
        }
    )
    assert settings == Settings(
        "memory://",
        "0.0.0.0",
        9000,
        ("http://a.test", "http://b.test"),
        Path("web"),
        2048,
        "debug",
        "t0ken",
        ("inventory.lan",),
        max_imports=3,
        header_timeout=2.5,
        body_timeout=60,
        statement_timeout=0,
        shutdown_grace=45,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "http"),
        ("PORT", "70000"),
        ("MAX_UPLOAD_BYTES", "10"),
        ("MAX_IMPORTS", "0"),
        ("ALLOWED_HOSTS", "http://inventory.lan"),
        ("ALLOWED_HOSTS", "inventory.lan, bad host"),
        ("ALLOWED_HOSTS", "inventory.lan:http"),
        ("ALLOWED_HOSTS", "[::1"),
        ("CORS_ORIGINS", "127.0.0.1:5173"),
        ("CORS_ORIGINS", "http://127.0.0.1:5173/app"),
        ("CORS_ORIGINS", "null"),
        ("STORAGE", "mongodb://x"),
        ("STORAGE", "http://[::1"),
        ("LOG_LEVEL", "verbose"),
        ("API_TOKEN", " \t "),
        ("API_TOKEN", ""),
        ("HEADER_TIMEOUT", "10s"),
        ("HEADER_TIMEOUT", "0"),
        ("BODY_TIMEOUT", "-1"),
        ("BODY_TIMEOUT", "nan"),
        ("STATEMENT_TIMEOUT", "inf"),
        ("SHUTDOWN_GRACE", "3601"),
    ],
)
def test_an_unusable_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=f"STOCKLINE_{name}"):
        settings_from_env({f"STOCKLINE_{name}": value})


def test_allowed_hosts_are_names_in_lower_case_without_ports() -> None:
    hosts = (
        "Inventory.LAN:8000, inventory.lan, [::1]:8000, ::1, 10.0.0.5, my_service, shop.example."
    )
    assert settings_from_env({"STOCKLINE_ALLOWED_HOSTS": hosts}).allowed_hosts == (
        "inventory.lan",
        "::1",
        "10.0.0.5",
        "my_service",
        "shop.example",
    )


@pytest.mark.parametrize(("value", "hosts"), [("", None), (" , ", None), ("a.test, *", ("*",))])
def test_allowed_hosts_unset_keep_the_default_and_a_star_allows_any(
    value: str, hosts: tuple[str, ...] | None
) -> None:
    assert settings_from_env({"STOCKLINE_ALLOWED_HOSTS": value}).allowed_hosts == hosts


def test_cors_origins_are_written_as_browsers_send_them() -> None:
    origins = "HTTP://LocalHost:80/, https://a.test:443, http://[::1]:5173, *"
    assert settings_from_env({"STOCKLINE_CORS_ORIGINS": origins}).cors_origins == (
        "http://localhost",
        "https://a.test",
        "http://[::1]:5173",
        "*",
    )


def test_timeouts_default_to_documented_bounds() -> None:
    settings = settings_from_env({})
    assert (settings.header_timeout, settings.body_timeout) == (10, 30)
    assert (settings.statement_timeout, settings.shutdown_grace) == (30, 30)
