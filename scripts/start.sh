#!/usr/bin/env bash
# The whole stack on one machine: installs what is missing, builds the UI, runs `vigia up`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -f ui/dist/index.html ] || node node_modules/vite/bin/vite.js build --config ui/vite.config.ts --logLevel warn
exec node bin/vigia.js up "$@"
