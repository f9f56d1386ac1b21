#!/usr/bin/env bash
# Installs what Vigía needs on a fresh machine, or says clearly what is missing.
#   scripts/install-deps.sh          runtime: npm packages, nats-server
#   scripts/install-deps.sh --test   also chromium (browser tests) and the Python training packages
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m[vigia]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
is_root() { [ "$(id -u)" = "0" ]; }
apt_updated=0
apt_install() {
  if ! is_root || ! command -v apt-get >/dev/null; then return 1; fi
  if [ $apt_updated = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Node 20.19+ (Vite 8 and the Svelte plugin need it)
command -v node >/dev/null || die "Node.js is not installed. Install Node 20.19 or newer (https://nodejs.org)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node $(node --version) is too old: Vigía needs Node 20.19 or newer."

# npm packages, when missing or older than the lock file. `npm install` rather than `npm ci`:
# chdb lists prebuilt libraries for other platforms as optional dependencies, and registries
# that do not serve those make `npm ci` refuse the lock file; `npm install` skips them.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm install)…"
  npm install --no-audit --no-fund --loglevel=error
fi

# nats-server (JetStream); NATS_URL means the user brings their own
if [ -z "${NATS_URL:-}" ] && ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
  say "installing nats-server (Debian package)…"
  apt_install nats-server || die "nats-server is missing. Install it (Debian/Ubuntu: apt-get install nats-server; or https://github.com/nats-io/nats-server/releases), or set NATS_URL to a running server."
fi

if [ $want_test = 1 ]; then
  if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null; then
    say "installing chromium (Debian package) for the browser tests…"
    apt_install chromium || die "chromium is missing for the browser tests. Install it (apt-get install chromium) or set CHROMIUM_PATH."
  fi
  if [ -f models/requirements.txt ]; then
    command -v python3 >/dev/null || die "python3 is missing (needed for the model-training tests in models/)."
    if ! python3 -c 'import sklearn, skl2onnx, onnx, onnxruntime, pyarrow, pytest, shap' 2>/dev/null; then
      say "installing Python packages for models/ (pip)…"
      python3 -m pip install -q --disable-pip-version-check -r models/requirements.txt \
        || die "pip could not install models/requirements.txt"
    fi
  fi
fi
