#!/usr/bin/env bash
# Run an acceptance profile in CI and leave the CI-facing files in one fixed place.
#
#   docs/ci/run-acceptance.sh [PROFILE] [OUT_DIR]      (defaults: profiles/demo.yaml, acceptance-results)
#
# - runs `harness run PROFILE --json` (needs `make setup` first; uses .venv/bin/harness, else `harness`)
# - copies report.pdf, junit.xml, sarif.json (when the run has one), summary.json, allure-results/ and
#   run.json into OUT_DIR, so the CI's publish steps need no knowledge of run directory names
# - writes exit_code=N and run_dir=... to $GITHUB_OUTPUT when GitHub Actions provides it
# - exits with harness's code: 0 PASS, 1 FAIL, 2 profile/usage error, 3 INCOMPLETE
set -uo pipefail
PROFILE=${1:-profiles/demo.yaml}
OUT=${2:-acceptance-results}
HARNESS=${HARNESS:-$( [ -x .venv/bin/harness ] && echo .venv/bin/harness || echo harness )}
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}

rm -rf "$OUT" && mkdir -p "$OUT"
"$HARNESS" run "$PROFILE" --json --out "$OUT/runs" >"$OUT/run-summary.json"
code=$?
run_dir=$("$PYTHON" -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get("run_dir", ""))
except (OSError, ValueError): print("")' "$OUT/run-summary.json")

if [ -n "$run_dir" ] && [ -d "$run_dir" ]; then
    for file in report.pdf junit.xml sarif.json summary.json run.json manifest.json; do
        [ -f "$run_dir/$file" ] && cp "$run_dir/$file" "$OUT/"
    done
    [ -d "$run_dir/allure-results" ] && cp -r "$run_dir/allure-results" "$OUT/"
    "$PYTHON" -c 'import json,sys
s = json.load(open(sys.argv[1]))
print("verdict: %s (exit code %d)" % (s["verdict"], s["exit_code"]))
for reason in s["verdict_reasons"]:
    print("  " + reason)
for suite in s["suites"]:
    t = suite["tests"]
    print("  %-24s %-10s %d tests, %d failed" % (suite["name"], suite["status"], t["total"], t["failed"] + t["errors"]))' "$OUT/summary.json"
else
    echo "harness did not produce a run directory (exit code $code); see the messages above" >&2
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
    { echo "exit_code=$code"; echo "run_dir=$run_dir"; } >>"$GITHUB_OUTPUT"
fi
exit "$code"
