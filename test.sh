#!/usr/bin/env bash
# Set up what the tests need and run them:
#   bash test.sh                # every test; arguments go to pytest (bash test.sh -q -k widget)
# Installs the package with its test extras (once; they include the milvus extra, so the
# Milvus back end is tested on Milvus Lite), Debian's Chromium for the browser
# tests when /usr/bin/chromium is missing and Debian's nginx for the replicas test when
# /usr/sbin/nginx is missing (both need root), then runs python -m pytest.
# Safe to run again; the exit code is pytest's.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

find_python
install_package ".[test]"
ensure_chromium
ensure_nginx
say "Running the tests: python -m pytest $*"
exec "$PYTHON" -m pytest "$@"
