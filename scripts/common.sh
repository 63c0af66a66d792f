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

# Debian package $2 when $1 (its program) is missing, for tests that need it: apt-get, as
# root or through sudo -n; $3 says what needs it.
ensure_debian_package() {
  local program="$1" package="$2" why="$3" sudo=""
  if [ -x "$program" ]; then
    say "$package found at $program"
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    sudo -n true 2>/dev/null && sudo="sudo -n" \
      || fail "$package is missing ($why) and installing it needs root: sudo apt-get update && sudo apt-get install -y $package"
  fi
  command -v apt-get >/dev/null || fail "$package is missing ($why) and this is not a Debian system: install $package at $program"
  say "Installing Debian's $package ($why): apt-get install $package"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || fail "apt-get update failed (see above)"
  $sudo apt-get install -y -qq "$package" >/dev/null || fail "apt-get could not install $package (see above)"
}

# Debian's Chromium at /usr/bin/chromium, for the browser tests (Playwright's own browser
# download cannot work on a machine that reaches only the package registries).
ensure_chromium() { ensure_debian_package /usr/bin/chromium chromium "the browser tests"; }

# Debian's nginx at /usr/sbin/nginx, for the test of chat replicas behind a proxy
# (tests/test_replicas.py starts its own nginx on 127.0.0.1 with a generated configuration).
ensure_nginx() { ensure_debian_package /usr/sbin/nginx nginx "the replicas-behind-a-proxy test"; }
