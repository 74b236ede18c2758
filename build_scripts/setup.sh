#!/usr/bin/env bash
# Set up everything the site and the tests need, idempotently; says what it does.
#   build_scripts/setup.sh            Python venv (.venv) with the site's packages, vendored runtime
#   build_scripts/setup.sh --tests    also Chromium (Debian package) and the Pyodide test wheels
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

PY=""
for candidate in "${PYTHON:-}" python3.12 python3.11 python3 python; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PY=$candidate; break
  fi
done
[ -n "$PY" ] || { echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"; exit 1; }

# Wait (up to 10 minutes) while another process holds apt's or dpkg's lock.
wait_for_apt() {
  "$PY" - <<'PYEOF'
import fcntl, sys, time
locks = ["/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock", "/var/lib/apt/lists/lock"]
def held():
    for path in locks:
        try:
            with open(path, "a") as f:
                fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return path
        except OSError:
            pass
    return None
deadline, told = time.time() + 600, False
while (path := held()) and time.time() < deadline:
    if not told:
        print(f"\033[1m[setup]\033[0m another package manager holds {path} (an unattended upgrade?); "
              "waiting for it, up to 10 minutes", flush=True)
        told = True
    time.sleep(2)
if held():
    sys.exit("[setup] apt is still locked after 10 minutes; try again when the other upgrade is done")
if told:
    print("\033[1m[setup]\033[0m the apt lock is free", flush=True)
PYEOF
}

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ "$want_tests" = 1 ] && [ -z "${CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ]; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need_apt[*]} (apt-get)"
    # Another apt (an unattended upgrade on a fresh machine) may hold the package locks: wait
    # for them, saying so, instead of failing at once.
    wait_for_apt
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need_apt[@]}" >/dev/null
  elif [ "${need_apt[*]}" = chromium ]; then
    say "no /usr/bin/chromium and not root: the browser tests will use Playwright's own Chromium"
    say "(install it with: .venv/bin/python -m playwright install chromium)"
  else
    echo "Please install: ${need_apt[*]} (Debian/Ubuntu: sudo apt-get install ${need_apt[*]})"; exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "installing explainer_core and the site's packages into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
else
  say ".venv is up to date"
fi

say "vendoring Pyodide, numpy (wasm), Vega and KaTeX (hash-checked)"
if [ "$want_tests" = 1 ]; then
  .venv/bin/python -m build_scripts.vendor --test-wheels
else
  .venv/bin/python -m build_scripts.vendor
fi

say "bundling the code editor (CodeMirror 6 from npm, pinned by integrity hash)"
.venv/bin/python -m build_scripts.editor
