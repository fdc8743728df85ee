"""Where kenttä keeps its data and settings, and what the settings are.

Paths come from platformdirs unless KENTTA_DB / KENTTA_CONFIG / KENTTA_DATA_DIR say
otherwise. Nothing is created at import time; `ensure_parent()` makes a directory on first use.

`Config` is a plain dataclass checked on creation (no pydantic: this module is on the app's
start path, and every millisecond there is the person's). A bad setting raises ConfigError
naming it, with the same wording pydantic used (tests/services/test_config.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

APP_NAME = "kentta"

Role = Literal["coach", "coordinator", "supervisor"]
Language = Literal["fi", "sv", "en"]

# setting -> allowed values (a choice), or (kind, optional?, minimum, maximum)
_CHOICES: dict[str, tuple[str, ...]] = {
    "role": ("coach", "coordinator", "supervisor"),
    "language": ("fi", "sv", "en"),
}
_KINDS: dict[str, tuple[str, bool, int | None, int | None]] = {
    "user": ("str", False, None, None),
    "theme": ("str", False, None, None),
    "scope": ("str", False, None, None),
    "programme": ("str", True, None, None),
    "idle_lock_minutes": ("int", False, 0, 24 * 60),
    "retention_years": ("int", False, 1, 50),
    "encrypt": ("bool", False, None, None),
    "server_url": ("urls", True, None, None),
}
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


class ConfigError(ValueError):
    """The config file cannot be read or does not validate; the message says where and why
    (in English; `path`, `setting`, `line` and `unknown` let a caller say it in words)."""

    def __init__(
        self, message: str, *, path: Path | None = None, setting: str | None = None,
        line: int | None = None, unknown: bool = False,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.path, self.setting, self.line, self.unknown = path, setting, line, unknown


class SettingError(ConfigError):
    """One setting's value is not allowed: `setting` names it, `reason` says why."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting
        self.reason = reason


def _default_user() -> str:
    return os.environ.get("USER", "kayttaja")


@dataclass
class Config:
    user: str = field(default_factory=_default_user)
    role: Role = "coach"
    language: Language = "fi"
    theme: str = "textual-dark"
    scope: str = "default"
    programme: str | None = None
    idle_lock_minutes: int = 15
    retention_years: int = 5
    encrypt: bool = False  # new databases are encrypted; the passphrase is never stored here
    server_url: str | list[str] | None = None  # the office: one URL, or several to try in order

    def __post_init__(self) -> None:
        for name in _NAMES:
            setattr(self, name, _checked(name, getattr(self, name)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """Settings as read from config.toml; an unknown key is an error, as a bad value is."""
        for key in data:
            if key not in _NAMES:
                raise SettingError(str(key), "Extra inputs are not permitted")
        return cls(**data)

    def copy_with(self, **changes: Any) -> Config:
        """A checked copy with some settings changed."""
        return replace(self, **changes)


def _checked(name: str, value: Any) -> Any:
    """The value a setting holds (ints from whole numbers, booleans from yes/no words)."""
    if name in _CHOICES:
        allowed = _CHOICES[name]
        if value not in allowed:
            quoted = [f"'{a}'" for a in allowed]
            raise SettingError(name, f"Input should be {', '.join(quoted[:-1])} or {quoted[-1]}")
        return value
    kind, optional, low, high = _KINDS[name]
    if value is None and optional:
        return None
    if kind == "str":
        if not isinstance(value, str):
            raise SettingError(name, "Input should be a valid string")
        return value
    if kind == "bool":
        return _as_bool(name, value)
    if kind == "urls":
        return _as_urls(name, value)
    number = _as_int(name, value)
    if low is not None and number < low:
        raise SettingError(name, f"Input should be greater than or equal to {low}")
    if high is not None and number > high:
        raise SettingError(name, f"Input should be less than or equal to {high}")
    return number


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise SettingError(
            name, "Input should be a valid integer, got a number with a fractional part"
        )
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
        raise SettingError(
            name, "Input should be a valid integer, unable to parse string as an integer"
        )
    raise SettingError(name, "Input should be a valid integer")


def _as_urls(name: str, value: Any) -> str | list[str]:
    """One office URL or a non-empty list of them, each http:// or https://."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise SettingError(name, "Input should be a URL or a list of URLs")
    for item in items:
        if not item.startswith(("http://", "https://")):
            raise SettingError(name, "each URL should start with http:// or https://")
    return value if isinstance(value, str) else list(items)


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SettingError(name, "Input should be a valid boolean, unable to interpret input")


_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Config))


def data_dir() -> Path:
    from platformdirs import user_data_dir

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
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The settings from config.toml, or the defaults when there is no file."""
    path = path or config_path()
    if not path.exists():
        return Config()
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Config.from_dict(data)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found[1]) if found else None
        raise ConfigError(f"{path}: not valid TOML ({exc})", path=path, line=line) from None
    except SettingError as exc:
        unknown = exc.setting not in _NAMES
        raise ConfigError(
            f"{path}: {exc.setting}: {exc.reason}", path=path, setting=exc.setting,
            unknown=unknown,
        ) from None  # fmt: skip


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
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
    import tomllib

    path = path or config_path()
    data: dict[str, object] = {}
    if path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    config = Config.from_dict(data)
    lines = [f"{key} = {_toml_value(value)}" for key, value in data.items() if value is not None]
    ensure_parent(path)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return config


def ensure_parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
