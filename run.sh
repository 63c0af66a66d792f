#!/usr/bin/env bash
# Set everything up and open the chat on the bundled documents:
#   bash run.sh                 # http://localhost:8501 (PORT=8600 bash run.sh for another port)
# Installs the package (once), builds or updates the index of documents/ with progress
# bars, then serves the chat (serve.py: app.py with its security headers) until Ctrl-C.
# Safe to run again: finished steps are skipped or are quick.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

find_python
install_package "."
say "Building or updating the index of documents/ (python -m qa index)"
"$PYTHON" -m qa index || fail "indexing failed (see above)"

PORT="${PORT:-8501}"
HEADLESS=true
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && HEADLESS=false   # a desktop: Streamlit opens the browser
say "Serving the chat at http://localhost:${PORT}  (Ctrl-C stops it)"
exec "$PYTHON" -m streamlit run serve.py --server.port "$PORT" --server.headless "$HEADLESS"
