#!/usr/bin/env bash
# Set up (idempotent) and run every test: CPython (browser, then core, cross-runtime, site build)
# and the core tests again inside Pyodide. Extra arguments go to both CPython pytest runs.
set -uo pipefail
cd "$(dirname "$0")/.."
bash build_scripts/setup.sh --tests || exit 1
mkdir -p test-artifacts
say() { printf '\033[1m[test]\033[0m %s\n' "$*"; }

# The browser tests run alone (some of them time a Stop or a frame rate); then the other CPython
# tests and the Pyodide run side by side, one per core.
say "CPython: pytest tests/browser (headless Chromium against the built site)"
NO_MKDOCS_2_WARNING=1 .venv/bin/python -m pytest tests/browser -p no:cacheprovider --durations=30 "$@" 2>&1 | tee test-artifacts/browser.log
browser_status=${PIPESTATUS[0]}

say "Pyodide 0.27.7 (Node): the same tests/lib, tests/chapters and tests/demos files (in the background; its log follows)"
node tests/pyodide/run.mjs pytest tests/lib tests/chapters tests/demos -q > test-artifacts/pyodide.log 2>&1 &
pyodide_pid=$!

say "CPython: pytest tests/ without tests/browser (core, cross-runtime, charts, site build)"
NO_MKDOCS_2_WARNING=1 .venv/bin/python -m pytest tests --ignore=tests/browser -p no:cacheprovider --durations=30 "$@" 2>&1 | tee test-artifacts/cpython.log
cpython_status=${PIPESTATUS[0]}

wait "$pyodide_pid"
pyodide_status=$?
say "Pyodide's log:"
cat test-artifacts/pyodide.log

count() { grep -Eo "[0-9]+ $2" "$1" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
bp=$(count test-artifacts/browser.log passed); bf=$(count test-artifacts/browser.log failed)
be=$(count test-artifacts/browser.log error); bs=$(count test-artifacts/browser.log skipped)
cp=$(count test-artifacts/cpython.log passed); cf=$(count test-artifacts/cpython.log failed)
ce=$(count test-artifacts/cpython.log error); cs=$(count test-artifacts/cpython.log skipped)
pp=$(count test-artifacts/pyodide.log passed); pf=$(count test-artifacts/pyodide.log failed)
pe=$(count test-artifacts/pyodide.log error); ps=$(count test-artifacts/pyodide.log skipped)
echo
say "Browser: $bp passed, $bf failed, $be errors, $bs skipped (exit $browser_status)"
say "CPython: $cp passed, $cf failed, $ce errors, $cs skipped (exit $cpython_status)"
say "Pyodide: $pp passed, $pf failed, $pe errors, $ps skipped (exit $pyodide_status)"
status=0
# pytest's exit 5 means no test ran: that is a failure here, in either runtime.
[ "$browser_status" = 0 ] && [ "$bp" -gt 0 ] || status=1
[ "$cpython_status" = 0 ] && [ "$cp" -gt 0 ] || status=1
[ "$pyodide_status" = 0 ] && [ "$pp" -gt 0 ] || status=1
echo "$((bp + cp + pp)) passed, $((bf + cf + pf + be + ce + pe)) failed"
exit $status
