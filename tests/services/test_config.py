"""Settings and paths: platformdirs defaults, environment overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenttä.config import (
    Config,
    ConfigError,
    config_path,
    data_dir,
    database_path,
    load_config,
)


def test_no_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.toml")
    assert config == Config(user=config.user)
    assert config.language == "fi" and config.role == "coach"


def test_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('user = "maija"\nrole = "supervisor"\nlanguage = "sv"\n', encoding="utf-8")
    config = load_config(path)
    assert (config.user, config.role, config.language) == ("maija", "supervisor", "sv")


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENTTA_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KENTTA_CONFIG", str(tmp_path / "c.toml"))
    assert data_dir() == tmp_path / "d"
    assert database_path() == tmp_path / "d" / "kentta.db"
    assert config_path() == tmp_path / "c.toml"
    monkeypatch.setenv("KENTTA_DB", str(tmp_path / "x.db"))
    assert database_path() == tmp_path / "x.db"
    assert database_path(tmp_path / "explicit.db") == tmp_path / "explicit.db"


def test_platformdirs_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KENTTA_DATA_DIR", "KENTTA_CONFIG", "KENTTA_DB"):
        monkeypatch.delenv(name, raising=False)
    assert data_dir().name == "kentta"
    assert config_path().name == "config.toml" and config_path().parent.name == "kentta"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('user = "maija', "not valid TOML"),
        ('role = "boss"\n', "role"),
        ("idle_lock_minutes = -5\n", "idle_lock_minutes"),
        ('colour = "red"\n', "colour"),
        ('language = "de"\n', "language"),
    ],
)
def test_errors_name_the_file_and_the_setting(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message and expected in message
    assert "\n" not in message
