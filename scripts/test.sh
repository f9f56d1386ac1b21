#!/usr/bin/env bash
# Every test: typecheck, unit (pure core), integration (real nats-server + chDB), browser
# (real chromium), and the Python model-training tests. Prints one closing line with totals.
# `bash scripts/test.sh unit integration` runs only the named steps (typecheck, ui, unit,
# integration, browser, models); package.json's test:* scripts do that.
set -uo pipefail
STEPS=" ${*:-typecheck ui unit integration browser models} "
for s in $STEPS; do
  case " typecheck ui unit integration browser models " in *" $s "*) ;; *) echo "unknown test step '$s' (typecheck ui unit integration browser models)" >&2; exit 2 ;; esac
done
wants() { [[ "$STEPS" == *" $1 "* ]]; }
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test || exit 1
mkdir -p test-artifacts
log=test-artifacts/test-output.log
: > "$log"
status=0

step() { printf '\n\033[1m== %s\033[0m\n' "$1" | tee -a "$log"; }
run() { "$@" 2>&1 | tee -a "$log"; local s=${PIPESTATUS[0]}; [ "$s" = 0 ] || status=1; }
# A hung step must fail, not eat CI's 90 minutes: each step has a ceiling far above its usual
# time (GNU timeout signals the whole process group, so servers a test started go too), and
# each server test has --test-timeout, after which the reaper kills what it left running.
capped() {
  local limit=$1; shift
  timeout --kill-after=30s "$limit" "$@"; local s=$?
  [ "$s" = 124 ] && printf '\n!! step timed out after %s: %s\n' "$limit" "$*"
  return "$s"
}
TEST_TIMEOUT=--test-timeout=300000

if wants typecheck; then
  step "typecheck"
  run npx --no-install tsc --noEmit -p tsconfig.json
fi
# The browser tests serve the built UI.
if wants ui || wants browser; then
  step "build UI"
  run node node_modules/vite/bin/vite.js build --config ui/vite.config.ts --logLevel warn
fi
if wants unit; then
step "unit tests (pure core, no servers)"
# One file per core at once. node's default is one fewer than the cores: a single file at a time
# on CI's 2, each file's process start (~1 s of CPU loading tsx) leaving the other core idle.
# Unit files are separate processes with no shared ports or directories, so they can overlap.
UNIT_JOBS=$(node -e 'console.log(Math.max(2, require("node:os").availableParallelism()))')
run capped 15m node --import tsx --test --test-concurrency="$UNIT_JOBS" --test-reporter=spec $(git ls-files --cached --others --exclude-standard '*.test.ts' | grep -v '^test/')
fi
if wants integration; then
  step "integration tests (real nats-server + chDB)"
  run capped 25m node --import tsx --test --test-concurrency=1 "$TEST_TIMEOUT" --test-reporter=spec $(ls test/integration/*.test.ts)
fi
if wants browser; then
  step "browser tests (real chromium)"
  run capped 15m node --import tsx --test --test-concurrency=1 "$TEST_TIMEOUT" --test-reporter=spec $(ls test/browser/*.test.ts)
fi
if wants models && [ -d models/tests ]; then
  step "model training tests (pytest)"
  run capped 15m python3 -m pytest -q models/tests
fi

# Totals over every runner (node's spec reporter prints "ℹ pass N"; pytest "N passed").
pass=$(grep -E '^ℹ pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
fail=$(grep -E '^ℹ fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
skip=$(grep -E '^ℹ skipped [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
py_pass=$(grep -Eo '[0-9]+ passed' "$log" | tail -1 | awk '{print $1+0}')
py_fail=$(grep -Eo '[0-9]+ failed' "$log" | grep -v '^0' | tail -1 | awk '{print $1+0}')
pass=$((pass + ${py_pass:-0})); fail=$((fail + ${py_fail:-0}))
if [ "$status" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
printf '\ntotal: %s passed, %s failed, %s skipped\n' "$pass" "$fail" "$skip"
exit $status
