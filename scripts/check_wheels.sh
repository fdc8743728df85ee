#!/usr/bin/env bash
# Builds both wheels (kentta and kentta-sync), installs them as an office's IT would — with
# `uv tool install` into a fresh tool environment — and runs the installed `kentta` there:
# `--help` and `demo --no-ui`, with its data and config in a temporary folder. Checks that
# both `kenttä` and `kentta` land on PATH. Any failure fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dist="$work/dist"

uv build --all-packages --wheel --quiet --out-dir "$dist"
app_wheel=("$dist"/kentta-[0-9]*.whl)
sync_wheel=("$dist"/kentta_sync-[0-9]*.whl)
for wheel in "${app_wheel[0]}" "${sync_wheel[0]}"; do
  [ -f "$wheel" ] || { echo "check_wheels: uv build made no $wheel" >&2; exit 1; }
done

# A fresh tool environment and bin folder; the lock's versions as constraints, the sync
# wheel from the build (not from an index).
export UV_TOOL_DIR="$work/tools" UV_TOOL_BIN_DIR="$work/bin"
export UV_PYTHON_DOWNLOADS=never
uv export --frozen --no-dev --no-emit-workspace --no-hashes --quiet >"$work/constraints.txt"
uv tool install --quiet --python "$(uv python find --no-project 3.11)" \
  --constraints "$work/constraints.txt" --with "${sync_wheel[0]}" "${app_wheel[0]}"

for exe in kentta kenttä; do
  [ -x "$UV_TOOL_BIN_DIR/$exe" ] || { echo "check_wheels: $exe is not on PATH" >&2; exit 1; }
done

export PATH="$UV_TOOL_BIN_DIR:$PATH"
# a home folder with Scandinavian letters, as a caseworker's often is
export KENTTA_DATA_DIR="$work/Käyttäjä Öhman/data" KENTTA_CONFIG="$work/Käyttäjä Öhman/config.toml"
unset KENTTA_DB KENTTA_PASSPHRASE
cd "$work"  # not the source tree: the installed package, nothing else
kentta --help >"$work/help.txt"
grep -q "demo" "$work/help.txt" || { echo "check_wheels: kentta --help lists no demo" >&2; exit 1; }
"kenttä" --help >/dev/null
demo_db="$(kentta demo --no-ui)"
[ -s "$demo_db" ] || { echo "check_wheels: demo --no-ui wrote no database" >&2; exit 1; }
case "$demo_db" in
  "$KENTTA_DATA_DIR"/*) ;;
  *) echo "check_wheels: the demo is not in KENTTA_DATA_DIR" >&2; exit 1 ;;
esac
echo "check_wheels: both wheels install with uv tool; kentta and kenttä run (demo: ${demo_db##*/})"
