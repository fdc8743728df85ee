"""Issue 14: what the command line says outside the walk (tests/cli/test_cli_walk.py) in the
language: a config that cannot be read, and a running server's compaction lines."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kenttä.cli import cli
from tests.cli.test_cli_walk import ENGLISH_GLUE
from tests.ui.i18n_words import WORD, problems


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    ("broken", "named"),
    [
        ('role = "boss"\n', "role"),
        ('user = "testi\n', "2"),  # the TOML's line
        ('colour = "red"\n', "colour"),
        ("retention_years = 0\n", "retention_years"),
    ],
)
def test_a_broken_config_is_said_in_its_language(
    tmp_path, language: str, broken: str, named: str
) -> None:
    """Issue 14: a config that cannot be read is one line naming the file and what is wrong,
    in the language its `language` line asks for (no English left on fi or sv)."""
    db = str(tmp_path / "k.db")
    config = tmp_path / "config.toml"
    config.write_text(f'language = "{language}"\n{broken}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", db, "voucher", "list"])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"kenttä: {config}") and named in line
    words = {w.casefold() for w in WORD.findall(f"{config} {broken}")}
    written = {"coach", "coordinator", "supervisor"}  # the values to write in the file
    said = [p for p in problems(line, language, words | written) if p.split()[-1] not in written]
    if language == "fi":
        said = [p for p in said if not p.startswith("finnish")]
    if language != "en":
        said += [f"english {w}" for w in {w.casefold() for w in WORD.findall(line)} & ENGLISH_GLUE]
    assert said == [], line


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_running_server_s_compaction_lines_speak_the_language(language: str) -> None:
    """`kenttä server run --compact-every` (not walked: it serves until stopped) words each
    run's figures, and a failed run, itself (kenttä_sync's own summary is English)."""
    from kenttä_sync.transport.server.compactor import Compacted

    from kenttä.cli.server_cmds import _compaction_words
    from kenttä.i18n import set_language

    set_language(language)
    lines = [_compaction_words(Compacted(12, 3, 0.5)), _compaction_words(OSError("x"))]
    assert "12" in lines[0] and "0,5 s" in lines[0] and "OSError" in lines[1]
    text = "\n".join(lines)
    said = [p for p in problems(text, language, set()) if not p.startswith("finnish")]
    said += [f"english {w}" for w in {w.casefold() for w in WORD.findall(text)} & ENGLISH_GLUE]
    assert said == [], text
