# Sourced by scripts/run and scripts/test: create or reuse .venv and install one requirements
# file into it, only when that file changed since the last install.
# Usage: ensure_venv requirements/base.txt
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${IPB_VENV:-$repo_root/.venv}"

pick_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

ensure_venv() {
  local requirements="$repo_root/$1"
  if [ ! -x "$venv/bin/python" ]; then
    echo "Creating a virtual environment in $venv"
    "$(pick_python)" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
  fi
  # Re-install when the requirements (or what they include) change.
  local stamp="$venv/.installed-$(basename "$requirements" .txt)"
  local digest
  digest="$(cat "$repo_root"/requirements/*.txt | "$venv/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "Installing $1 into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$digest" >"$stamp"
  fi
  export PATH="$venv/bin:$PATH"
}
