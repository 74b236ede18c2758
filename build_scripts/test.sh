#!/usr/bin/env bash
# Set up (idempotent) and run every test: CPython (core, cross-runtime, site build, browser)
# and the core tests again inside Pyodide. Extra arguments go to the CPython pytest run.
set -uo pipefail
cd "$(dirname "$0")/.."
bash build_scripts/setup.sh --tests || exit 1
mkdir -p test-artifacts
say() { printf '\033[1m[test]\033[0m %s\n' "$*"; }

say "CPython: pytest tests/ (core, cross-runtime, site, browser)"
NO_MKDOCS_2_WARNING=1 .venv/bin/python -m pytest tests -p no:cacheprovider --durations=30 "$@" 2>&1 | tee test-artifacts/cpython.log
cpython_status=${PIPESTATUS[0]}

say "Pyodide 0.27.7 (Node): the same tests/lib, tests/chapters and tests/demos files"
node tests/pyodide/run.mjs pytest tests/lib tests/chapters tests/demos -q 2>&1 | tee test-artifacts/pyodide.log
pyodide_status=${PIPESTATUS[0]}

count() { grep -Eo "[0-9]+ $2" "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
cp=$(count test-artifacts/cpython.log passed); cf=$(count test-artifacts/cpython.log failed)
ce=$(count test-artifacts/cpython.log error); cs=$(count test-artifacts/cpython.log skipped)
pp=$(count test-artifacts/pyodide.log passed); pf=$(count test-artifacts/pyodide.log failed)
pe=$(count test-artifacts/pyodide.log error); ps=$(count test-artifacts/pyodide.log skipped)
echo
say "CPython: $cp passed, $cf failed, $ce errors, $cs skipped (exit $cpython_status)"
say "Pyodide: $pp passed, $pf failed, $pe errors, $ps skipped (exit $pyodide_status)"
status=0
# pytest's exit 5 means no test ran: that is a failure here, in either runtime.
[ "$cpython_status" = 0 ] && [ "$cp" -gt 0 ] || status=1
[ "$pyodide_status" = 0 ] && [ "$pp" -gt 0 ] || status=1
echo "$((cp + pp)) passed, $((cf + pf + ce + pe)) failed"
exit $status
