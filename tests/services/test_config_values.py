"""Config is checked without pydantic, as it was with it: same coercions, same wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from kenttä.config import Config, ConfigError, SettingError, load_config, save_settings


def test_values_are_read_as_pydantic_read_them(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'idle_lock_minutes = "30"\nretention_years = 7.0\nencrypt = "yes"\nprogramme = "TOPI"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert (config.idle_lock_minutes, config.retention_years) == (30, 7)
    assert config.encrypt is True and config.programme == "TOPI"


@pytest.mark.parametrize(
    ("settings", "setting", "reason"),
    [
        ({"role": "boss"}, "role", "Input should be 'coach', 'coordinator' or 'supervisor'"),
        ({"language": "de"}, "language", "Input should be 'fi', 'sv' or 'en'"),
        ({"idle_lock_minutes": 1441}, "idle_lock_minutes", "less than or equal to 1440"),
        ({"retention_years": 0}, "retention_years", "greater than or equal to 1"),
        ({"idle_lock_minutes": 2.5}, "idle_lock_minutes", "fractional part"),
        ({"idle_lock_minutes": "x"}, "idle_lock_minutes", "unable to parse string"),
        ({"encrypt": "maybe"}, "encrypt", "Input should be a valid boolean"),
        ({"user": 5}, "user", "Input should be a valid string"),
        ({"theme": None}, "theme", "Input should be a valid string"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_value_names_the_setting(settings: dict, setting: str, reason: str) -> None:
    with pytest.raises(SettingError) as info:
        Config.from_dict(settings)
    assert info.value.setting == setting and reason in info.value.reason
    assert isinstance(info.value, ConfigError) and isinstance(info.value, ValueError)


def test_copies_and_assignments() -> None:
    config = Config(user="maija")
    coach = config.copy_with(role="supervisor", scope="kuopio")
    assert (coach.user, coach.role, coach.scope) == ("maija", "supervisor", "kuopio")
    assert config.role == "coach"
    with pytest.raises(SettingError):
        config.copy_with(role="boss")
    config.scope = "lappi"  # services and tests switch scope or role in place
    assert config.scope == "lappi"


def test_saving_a_bad_value_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_settings({"language": "sv"}, path)
    with pytest.raises(ConfigError):
        save_settings({"language": "de"}, path)
    assert load_config(path).language == "sv"
