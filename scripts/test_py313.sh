#!/usr/bin/env bash
# Runs the suite's non-slow, non-PostgreSQL, non-tmux part under Python 3.13 (the main run
# is on 3.11), in a throwaway environment synced from the lock, two workers (CI has ~15 min).
# uv must not download a Python here: it uses an installed 3.13 or fails saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

is_313() { [ -n "$1" ] && [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; }

python=""
for candidate in "${KENTTA_PYTHON313:-}" "$(command -v python3.13 || true)" \
    /root/.pyenv/versions/3.13*/bin/python3.13 "${HOME:-/root}"/.pyenv/versions/3.13*/bin/python3.13 \
    /usr/bin/python3.13 /usr/local/bin/python3.13 "$(uv python find --no-project 3.13 2>/dev/null || true)"; do
  if is_313 "$candidate"; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then
  echo "test_py313: no Python 3.13 interpreter found (set KENTTA_PYTHON313 to one)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
UV_PROJECT_ENVIRONMENT="$work/venv" uv sync --locked --quiet --python "$python"
"$work/venv/bin/python" -c 'import sys; assert sys.version_info[:2] == (3, 13), sys.version'
echo "test_py313: $("$work/venv/bin/python" -V) from $python"
# Every test folder but the screens', whose Pilot runs take half the time and exercise the
# same Textual on either Python; two screen flows stand for them (keys, a written note).
targets=()
for path in tests/*/ tests/test_*.py; do
  # test_startup times a background import against a 1.5 s timer: with two workers sharing
  # two cores it races; start-up is the main run's to check.
  case "$path" in tests/ui/|tests/benchmarks/|tests/__*|tests/test_startup.py) ;;
    *) targets+=("$path") ;; esac
done
targets+=(tests/ui/test_terminal_keys.py "tests/ui/test_flows.py::test_write_a_note_with_autosaved_draft")
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider -n 2 \
  -m "not slow and not postgres and not tmux" "${targets[@]}"
