"""Where kenttä keeps its data and settings, and what the settings are.

Paths come from platformdirs unless KENTTA_DB / KENTTA_CONFIG / KENTTA_DATA_DIR say
otherwise. Nothing is created at import time; `ensure_parent()` makes a directory on first use.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError

APP_NAME = "kentta"


class ConfigError(ValueError):
    """The config file cannot be read or does not validate; the message says where and why."""


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(default_factory=lambda: os.environ.get("USER", "kayttaja"))
    role: Literal["coach", "coordinator", "supervisor"] = "coach"
    language: Literal["fi", "sv", "en"] = "fi"
    theme: str = "textual-dark"
    scope: str = "default"
    programme: str | None = None
    idle_lock_minutes: int = Field(default=15, ge=0, le=24 * 60)
    retention_years: int = Field(default=5, ge=1, le=50)
    encrypt: bool = False  # new databases are encrypted; the passphrase is never stored here
    server_url: str | None = None


def data_dir() -> Path:
    return Path(os.environ.get("KENTTA_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("KENTTA_DB"):
        return Path(os.environ["KENTTA_DB"])
    return data_dir() / "kentta.db"


def config_path() -> Path:
    if os.environ.get("KENTTA_CONFIG"):
        return Path(os.environ["KENTTA_CONFIG"])
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The settings from config.toml, or the defaults when there is no file."""
    path = path or config_path()
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Config.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def save_settings(changes: dict[str, object], path: Path | None = None) -> Config:
    """Write changed settings into config.toml, keeping the other keys; returns the result.

    Only the keys the file already has, plus the changed ones, are written (no defaults),
    and the file is replaced atomically.
    """
    path = path or config_path()
    data: dict[str, object] = {}
    if path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    config = Config.model_validate(data)
    lines = [f"{key} = {_toml_value(value)}" for key, value in data.items() if value is not None]
    ensure_parent(path)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return config


def ensure_parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
