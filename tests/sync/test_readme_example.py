"""sync/README.md's example runs as written, without kenttä: the module stands alone."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[2] / "sync" / "README.md"


def example_code() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "the README holds one python example"
    return blocks[0]


def test_readme_example_replicates_a_toy_schema_between_two_devices() -> None:
    code = example_code()
    assert 30 <= len(code.splitlines()) <= 60  # about forty lines, as promised
    check = "\nimport sys\nassert not any(m.split('.')[0] == 'kenttä' for m in sys.modules)\n"
    result = subprocess.run(
        [sys.executable, "-c", code + check], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "both laptops say 'Lakeside'; conflicts kept for review: 1"
