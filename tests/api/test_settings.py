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
        }
    )
    assert settings == Settings(
        "memory://", "0.0.0.0", 9000, ("http://a.test", "http://b.test"), Path("web"), 2048, "debug"
    )


@pytest.mark.parametrize(
    ("name", "value"), [("PORT", "http"), ("PORT", "70000"), ("MAX_UPLOAD_BYTES", "10")]
)
def test_an_unusable_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=f"STOCKLINE_{name}"):
        settings_from_env({f"STOCKLINE_{name}": value})
