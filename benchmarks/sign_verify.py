"""Three signatures and a verification of a 5 MB report (goal: <= 1.5 s in total).

The report embeds a 5 MB raw file, so the PDF itself is about 5 MB, like a run with big logs. The
baseline, measured in the same run, is one sha256 pass over the finished file per operation — the
least any signer or verifier must do — so the ratio says how much pyHanko adds on top of hashing.

    .venv/bin/python -m benchmarks.sign_verify
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from harness.reports.pdf import PdfExporter
from harness.results.model import ProfileInfo, ProjectInfo, ReportMeta, RunResult, SuiteResult, SuiteStatus
from harness.results.rundir import RunDirectory
from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report, verify_report

GOAL_SECONDS = 1.5
PARTIES = ("project", "business", "supervision")


def make_report(base: Path, megabytes: int) -> Path:
    rundir = RunDirectory.create(base, "bench-sign")
    run = RunResult(
        run_id=rundir.path.name,
        profile=ProfileInfo(name="bench", path="bench.yaml", sha256="0" * 64),
        project=ProjectInfo(name="Benchmark project"),
        report=ReportMeta(language="en", attachment_limit_mb=megabytes + 1),
        started=datetime(2025, 1, 1, tzinfo=UTC),
        suites=(SuiteResult(name="performance", kind="performance", status=SuiteStatus.PASSED),),
    )
    (rundir.raw_dir("performance") / "capture.bin").write_bytes(os.urandom(megabytes * 1024 * 1024))
    rundir.write_run(run)
    rundir.write_manifest()
    PdfExporter().export(run, rundir)
    return rundir.path / "report.pdf"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-sign-") as scratch:
        base = Path(scratch)
        report = make_report(base, 5)
        keys = make_demo_keys(base / "keys")
        size_mb = report.stat().st_size / 1024 / 1024

        started = time.perf_counter()
        for _ in range(len(PARTIES) + 1):
            hashlib.sha256(report.read_bytes()).hexdigest()
        baseline = time.perf_counter() - started

        timings = {}
        for party in PARTIES:
            started = time.perf_counter()
            sign_report(report, party=party, key=keys[party], password=DEMO_PASSWORD)
            timings[f"sign {party}"] = time.perf_counter() - started
        started = time.perf_counter()
        result = verify_report(report, [keys["ca"]], require_all=True)
        timings["verify"] = time.perf_counter() - started
        assert result.ok, "the benchmark's own report must verify"

        total = sum(timings.values())
        print(f"sign three parties + verify a {size_mb:.1f} MB report")
        for name, seconds in timings.items():
            print(f"  {name:<18} {seconds:6.3f} s")
        print(
            f"  total              {total:6.3f} s  (goal <= {GOAL_SECONDS} s: {'met' if total <= GOAL_SECONDS else 'MISSED'})"
        )
        print(f"  baseline: 4 x sha256 of the file {baseline:6.3f} s -> ratio {total / baseline:.1f} x")


if __name__ == "__main__":
    main()
