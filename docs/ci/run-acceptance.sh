#!/usr/bin/env bash
# Run an acceptance profile in CI and leave the CI-facing files in one fixed place.
#
#   docs/ci/run-acceptance.sh [PROFILE] [OUT_DIR]      (defaults: profiles/demo.yaml, acceptance-results)
#
# Environment: SUITES="unit integration" runs only those suites (space-separated; empty: every enabled
# suite); HARNESS_HISTORY=PATH|URL records the run in another history than the profile's.
#
# - runs `harness run PROFILE --json` (needs `make setup` first; uses .venv/bin/harness, else `harness`);
#   the run directory goes where the profile says (output.dir, by default reports/) and the run is recorded
#   in the profile's history (by default reports/history.sqlite): keep that file between CI runs (a cache,
#   the workspace) and `baseline: previous` compares each run with the one before
# - replaces OUT_DIR with copies of report.pdf, junit.xml, sarif.json (when the run has one), summary.json,
#   run.json, manifest.json and allure-results/, so the CI's publish steps need no run directory names;
#   OUT_DIR never holds the history
# - writes exit_code=N and run_dir=... to $GITHUB_OUTPUT when GitHub Actions provides it
# - exits with harness's code: 0 PASS, 1 FAIL, 2 profile/usage error, 3 INCOMPLETE
set -uo pipefail
PROFILE=${1:-profiles/demo.yaml}
OUT=${2:-acceptance-results}
HARNESS=${HARNESS:-$( [ -x .venv/bin/harness ] && echo .venv/bin/harness || echo harness )}
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}

args=(run "$PROFILE" --json)
for suite in ${SUITES:-}; do
    args+=(--suite "$suite")
done
if [ -n "${HARNESS_HISTORY:-}" ]; then
    args+=(--history "$HARNESS_HISTORY")
fi

rm -rf "$OUT" && mkdir -p "$OUT"
"$HARNESS" "${args[@]}" >"$OUT/run-summary.json"
code=$?
run_dir=$("$PYTHON" -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get("run_dir", ""))
except (OSError, ValueError): print("")' "$OUT/run-summary.json")

if [ -n "$run_dir" ] && [ -d "$run_dir" ]; then
    for file in report.pdf junit.xml sarif.json summary.json run.json manifest.json; do
        if [ -f "$run_dir/$file" ]; then cp "$run_dir/$file" "$OUT/"; fi
    done
    if [ -d "$run_dir/allure-results" ]; then cp -r "$run_dir/allure-results" "$OUT/"; fi
    "$PYTHON" -c 'import json,sys
s = json.load(open(sys.argv[1]))
partial = " (partial run: %s not selected)" % ", ".join(s["not_selected"]) if s.get("partial") else ""
print("verdict: %s (exit code %d)%s" % (s["verdict"], s["exit_code"], partial))
for reason in s["verdict_reasons"]:
    print("  " + reason)
for suite in s["suites"]:
    t = suite["tests"]
    print("  %-24s %-10s %d tests, %d failed" % (suite["name"], suite["status"], t["total"], t["failed"] + t["errors"]))
for suite in (s.get("comparison") or {}).get("suites", []):
    if suite.get("baseline_run"):
        print("  %s compared with %s" % (suite["suite"], suite["baseline_run"]))' "$OUT/summary.json"
    # the last runs of this profile in its history: what the next run will compare with
    history=()
    if [ -n "${HARNESS_HISTORY:-}" ]; then history=(--history "$HARNESS_HISTORY"); fi
    "$HARNESS" history list --profile "$PROFILE" --limit 3 "${history[@]}" || true
else
    echo "harness did not produce a run directory (exit code $code); see the messages above" >&2
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
    { echo "exit_code=$code"; echo "run_dir=$run_dir"; } >>"$GITHUB_OUTPUT"
fi
exit "$code"
