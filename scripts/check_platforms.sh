#!/usr/bin/env bash
# Proves the locked requirements install from wheels alone on every platform kenttä supports
# (Windows x64, macOS, Linux x86_64 and aarch64) and every Python 3.11–3.13, without
# running there: `uv pip install --dry-run --only-binary :all:` of the exported lock.
# Exits non-zero, naming each failing platform/Python, if any resolution fails.
set -uo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
req="$work/requirements.txt"
if ! uv export --frozen --no-dev --no-emit-workspace --no-hashes --quiet >"$req"; then
  echo "check_platforms: uv export of the lock failed" >&2
  exit 1
fi

platforms=(windows macos x86_64-apple-darwin x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
pythons=(3.11 3.12 3.13)
failed=()
for platform in "${platforms[@]}"; do
  for python in "${pythons[@]}"; do
    if out="$(uv pip install --dry-run --quiet --only-binary :all: \
      --python-platform "$platform" --python-version "$python" \
      --target "$work/target-$platform-$python" -r "$req" 2>&1)"; then
      echo "ok   $platform python $python"
    else
      echo "FAIL $platform python $python" >&2
      echo "$out" | sed 's/^/     /' >&2
      failed+=("$platform/$python")
    fi
  done
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "check_platforms: no wheels for ${failed[*]}" >&2
  exit 1
fi
echo "check_platforms: all ${#platforms[@]} platforms x ${#pythons[@]} Pythons resolve from wheels"
