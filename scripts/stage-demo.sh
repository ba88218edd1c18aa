#!/usr/bin/env bash
# Walk the demo project from 测试 (testing) through 培训 (training) to 上线 (go-live): for each stage run
# its profile, sign the report as the three parties, close the stage; then verify the chain of reports
# offline and show that a changed report, or one signed by two parties only, is refused.
#
#   scripts/stage-demo.sh            (or: make stage-demo)
#
# Everything goes to reports/stage-demo/ (run directories, the history with the stage ledger, the chain);
# the DEMO keys to demo-keys/ (made with `harness keys demo` if missing). DEMO keys only: never for a
# real acceptance.
set -euo pipefail
cd "$(dirname "$0")/.."

HARNESS=${HARNESS:-.venv/bin/harness}
OUT=reports/stage-demo
KEYS=demo-keys
HISTORY=$OUT/history.sqlite
export HARNESS_KEY_PASSWORD=${HARNESS_KEY_PASSWORD:-demo}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
refused() {  # the command must fail with exit code 1 (refused), not succeed and not crash
    local code=0
    "$@" || code=$?
    if [ "$code" -ne 1 ]; then echo "expected a refusal (exit 1), got exit $code" >&2; exit 1; fi
}

if [ ! -f "$KEYS/ca.pem" ]; then
    step "DEMO keys for the three parties ($KEYS/)"
    "$HARNESS" keys demo --out "$KEYS" --profile profiles/demo.yaml
fi
rm -rf "$OUT"
mkdir -p "$OUT/chain"

run_stage() {  # run_stage PROFILE -> prints the run directory; the verdict must be PASS
    local summary
    summary=$("$HARNESS" run "$1" --out "$OUT" --history "$HISTORY" --json) || { echo "$summary" >&2; echo "the $1 run did not pass" >&2; exit 1; }
    printf '%s' "$summary" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["run_dir"])'
}

sign() {  # sign REPORT PARTY...
    local report=$1; shift
    for party in "$@"; do
        "$HARNESS" sign "$report" --party "$party" --key "$KEYS/$party.p12"
    done
}

step "测试 testing: run profiles/demo.yaml (unit, integration, performance, security, UAT)"
testing=$(run_stage profiles/demo.yaml)
sign "$testing/report.pdf" supervision business project
step "close the testing stage"
"$HARNESS" stage close profiles/demo.yaml testing --report "$testing/report.pdf" --trust "$KEYS/ca.pem" --history "$HISTORY"

step "上线 go-live before 培训 training is closed: refused"
refused "$HARNESS" stage close profiles/demo-golive.yaml go-live --report "$testing/report.pdf" \
    --trust "$KEYS/ca.pem" --history "$HISTORY"

step "培训 training: run profiles/demo-training.yaml (attendance and exam results)"
training=$(run_stage profiles/demo-training.yaml)
sign "$training/report.pdf" supervision business
step "close training with two signatures only: refused"
refused "$HARNESS" stage close profiles/demo-training.yaml training --report "$training/report.pdf" \
    --trust "$KEYS/ca.pem" --history "$HISTORY"
sign "$training/report.pdf" project
step "close the training stage"
"$HARNESS" stage close profiles/demo-training.yaml training --report "$training/report.pdf" --trust "$KEYS/ca.pem" --history "$HISTORY"

step "上线 go-live: run profiles/demo-golive.yaml (smoke test, go-live checklist, parallel run, monitoring SLOs, access control, canary)"
golive=$(run_stage profiles/demo-golive.yaml)
sign "$golive/report.pdf" supervision business project
step "close the go-live stage"
"$HARNESS" stage close profiles/demo-golive.yaml go-live --report "$golive/report.pdf" --trust "$KEYS/ca.pem" --history "$HISTORY"

step "the project's stages"
"$HARNESS" stage status profiles/demo-golive.yaml --history "$HISTORY"

step "verify the chain offline: the three PDFs and the CA certificate only"
cp "$testing/report.pdf" "$OUT/chain/1-testing.pdf"
cp "$training/report.pdf" "$OUT/chain/2-training.pdf"
cp "$golive/report.pdf" "$OUT/chain/3-go-live.pdf"
"$HARNESS" verify --chain "$OUT/chain" --trust "$KEYS/ca.pem"

step "change one byte of the training report: the chain is refused"
mkdir -p "$OUT/tampered"
cp "$OUT"/chain/*.pdf "$OUT/tampered/"
.venv/bin/python - "$OUT/tampered/2-training.pdf" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
at = data.index(b"<", data.index(b"/HarnessStage")) + 21  # a digit of the signed stage statement
data[at] = ord("0") if data[at] != ord("0") else ord("1")
open(path, "wb").write(bytes(data))
PY
refused "$HARNESS" verify --chain "$OUT/tampered" --trust "$KEYS/ca.pem"

step "done: testing, training and go-live closed; the chain in $OUT/chain verifies"
