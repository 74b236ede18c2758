#!/usr/bin/env bash
# Set up (idempotent) and serve the site at http://127.0.0.1:8000/ with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build_scripts/setup.sh
printf '\033[1m[serve]\033[0m building and serving on http://127.0.0.1:%s/ (Ctrl-C to stop)\n' "${PORT:-8000}"
# instant navigation needs site_url to match the address served, port included
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT:-8000}/}"
NO_MKDOCS_2_WARNING=1 exec .venv/bin/python -m mkdocs serve -a "127.0.0.1:${PORT:-8000}" "$@"
