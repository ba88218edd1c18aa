#!/usr/bin/env bash
# `make test` on a busy machine: two CPU hogs (stress-ng) run for as long as the suite does, the way a
# shared CI runner or a laptop doing other work would be loaded. The hogs are stopped however the tests
# end (pass, fail, Ctrl-C); if this script itself is killed, they stop on their own after HOG_LIMIT.
#   scripts/test-loaded.sh [make arguments]     e.g. TEST_WORKERS=2 scripts/test-loaded.sh
set -euo pipefail
cd "$(dirname "$0")/.."
HOGS=${HOGS:-2}
HOG_LIMIT=${HOG_LIMIT:-90m}

if ! command -v stress-ng >/dev/null 2>&1; then
    echo "stress-ng is not installed: run make setup as root (it installs it), or apt-get install stress-ng" >&2
    exit 2
fi

stress-ng --cpu "$HOGS" --timeout "$HOG_LIMIT" --quiet &
hogs=$!
stop_hogs() {
    kill -TERM "$hogs" 2>/dev/null || true  # stress-ng stops its workers when it is told to stop
    wait "$hogs" 2>/dev/null || true
}
trap stop_hogs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "running make test with $HOGS CPU hogs (stress-ng pid $hogs)"
make test "$@"
