# Shared steps of run.sh and test.sh (sourced, not run). Each step says what it does,
# skips work already done, and stops the script with a clear message when it fails.

say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

# PYTHON: $PYTHON if set, else python, else python3; must be 3.10 or newer. A Python the
# system manages (Debian's, PEP 668) gets a virtual environment in .venv instead.
find_python() {
  PYTHON="${PYTHON:-$(command -v python || command -v python3 || true)}"
  [ -n "$PYTHON" ] && command -v "$PYTHON" >/dev/null \
    || fail "no python found: install Python 3.10 or newer, or set PYTHON=/path/to/python"
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || fail "Python 3.10 or newer is needed; $PYTHON is $("$PYTHON" --version 2>&1)"
  if "$PYTHON" - <<'PY'
import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)
PY
  then
    if [ ! -x .venv/bin/python ]; then
      say "This Python is managed by the system: creating a virtual environment in .venv"
      "$PYTHON" -m venv .venv || fail "could not create .venv (on Debian: apt-get install -y python3-venv)"
    fi
    PYTHON="$PWD/.venv/bin/python"
  fi
  export PYTHON
}

# pip install -e "$1" (e.g. "." or ".[test]"), skipped when nothing changed since the
# last successful install: same pyproject.toml, same Python, and the package installed
# from this folder. An install with the test extras also counts for "." (so run.sh
# after test.sh does not run pip again).
install_package() {
  local target="$1" stamp=".setup-stamp" hash python want here
  hash="$(sha256sum pyproject.toml | cut -c1-16)"
  python="$("$PYTHON" -c 'import sys; print(sys.executable)')"
  want="$hash $target $python"
  here="$(cd / && "$PYTHON" -c 'import os, qa; print(os.path.dirname(os.path.dirname(os.path.abspath(qa.__file__))))' 2>/dev/null || true)"
  if [ -f "$stamp" ] && [ "$here" = "$PWD" ] \
      && { grep -qxF "$want" "$stamp" || { [ "$target" = "." ] && grep -qxF "$hash .[test] $python" "$stamp"; }; }; then
    say "Package already installed from $PWD ($target): skipping pip"
    return
  fi
  say "Installing the package and its models: pip install -e \"$target\" (the first time takes a few minutes)"
  "$PYTHON" -m pip install -q -e "$target" || fail "pip could not install the package (see above)"
  echo "$want" >> "$stamp"
}

# Debian's Chromium at /usr/bin/chromium, for the browser tests (Playwright's own browser
# download cannot work on a machine that reaches only the package registries).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    say "Chromium found at /usr/bin/chromium"
    return
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    sudo -n true 2>/dev/null && sudo="sudo -n" \
      || fail "Chromium is missing and installing it needs root: sudo apt-get update && sudo apt-get install -y chromium"
  fi
  command -v apt-get >/dev/null || fail "Chromium is missing and this is not a Debian system: install chromium at /usr/bin/chromium"
  say "Installing Debian's Chromium (apt-get install chromium)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || fail "apt-get update failed (see above)"
  $sudo apt-get install -y -qq chromium >/dev/null || fail "apt-get could not install chromium (see above)"
}
