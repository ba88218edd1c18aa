"""``harness sign`` and ``harness verify`` as users run them, against pyHanko doing the same bare.

Every figure is a fresh process, the way a party signs: ``harness sign`` (one party's field of a 5 MB
report) and ``harness verify`` (the same report signed by all three parties), each alternated with a
floor over several pairs — a Python process that imports pyHanko and signs the same field of the same
file (or validates the same three signatures) and nothing else. A and B swap order every pair, so a
machine that gets busier or quieter shifts both alike. ``python -c pass`` is timed too: the goal for one
signature is counted beyond interpreter start.

Goals (issues 14 and 19): one signature <= 0.5 s beyond interpreter start, <= 1.2 x the floor; verify of
a 3-signature 5 MB report <= 1 s, <= 1.2 x the floor.

    .venv/bin/python -m benchmarks.sign_verify [--pairs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from harness.reports.pdf import PdfExporter
from harness.results.model import (
    CertificateRule,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    RunResult,
    Signatory,
    SuiteResult,
    SuiteStatus,
)
from harness.results.rundir import RunDirectory
from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report

PARTIES = ("project", "business", "supervision")
SIGN_BEYOND_START = 0.5  # seconds
VERIFY_SECONDS = 1.0
RATIO = 1.2
SIGNATORIES = {
    party: Signatory(name=f"Bench {party}", organisation="Bench", certificate=CertificateRule(subject={"CN": f"Bench {party} (DEMO)"}))
    for party in PARTIES
}  # fmt: skip

# the floors: what any signer or verifier built on pyHanko must do, in a process of its own
BARE_SIGN = """
import sys
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
report, key, password = sys.argv[1], sys.argv[2], sys.argv[3].encode()
signer = signers.SimpleSigner.load_pkcs12(key, passphrase=password)
with open(report, "rb") as handle:
    writer = IncrementalPdfFileWriter(handle, strict=False)
    meta = signers.PdfSignatureMetadata(field_name="sig_project", md_algorithm="sha256",
                                        subfilter=SigSeedSubFilter.PADES, certify=True)
    signed = signers.PdfSigner(meta, signer).sign_pdf(writer, existing_fields_only=True)
with open(report, "wb") as handle:
    handle.write(signed.getvalue())
"""
BARE_VERIFY = """
import sys
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
with open(sys.argv[1], "rb") as handle:
    reader = PdfFileReader(handle, strict=False)
    for signature in reader.embedded_signatures:
        context = ValidationContext(trust_roots=[load_cert_from_pemder(sys.argv[2])], allow_fetching=False)
        assert validate_pdf_signature(signature, context).bottom_line
"""


def make_report(base: Path, megabytes: int) -> Path:
    rundir = RunDirectory.create(base, "bench-sign")
    run = RunResult(
        run_id=rundir.path.name,
        profile=ProfileInfo(name="bench", path="bench.yaml", sha256="0" * 64),
        project=ProjectInfo(name="Benchmark project"),
        report=ReportMeta(language="en", attachment_limit_mb=megabytes + 1, signatories=SIGNATORIES),
        started=datetime(2025, 1, 1, tzinfo=UTC),
        suites=(SuiteResult(name="performance", kind="performance", status=SuiteStatus.PASSED),),
    )
    (rundir.raw_dir("performance") / "capture.bin").write_bytes(os.urandom(megabytes * 1024 * 1024))
    rundir.write_run(run)
    rundir.write_manifest()
    PdfExporter().export(run, rundir)
    return rundir.path / "report.pdf"


def _timed(argv: list[str], env: dict[str, str], prepare: Callable[[], None] = lambda: None) -> float:
    prepare()
    started = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def _pairs(count: int, a: Callable[[], float], b: Callable[[], float]) -> tuple[list[float], list[float]]:
    first, second = [], []
    for index in range(count):
        if index % 2 == 0:
            first.append(a())
            second.append(b())
        else:
            second.append(b())
            first.append(a())
    return first, second


def _line(name: str, samples: list[float]) -> str:
    return f"  {name:<34} min {min(samples):6.3f} s   median {statistics.median(samples):6.3f} s"


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=7, help="A/B pairs per comparison (default 7)")
    pairs = parser.parse_args().pairs
    harness = str(Path(sys.executable).with_name("harness"))
    env = {**os.environ, "HARNESS_KEY_PASSWORD": DEMO_PASSWORD}
    with tempfile.TemporaryDirectory(prefix="bench-sign-") as scratch:
        base = Path(scratch)
        unsigned = make_report(base, 5)
        keys = make_demo_keys(base / "keys", SIGNATORIES)
        signed = base / "signed.pdf"
        shutil.copy(unsigned, signed)
        for party in PARTIES:
            sign_report(signed, party=party, key=keys[party], password=DEMO_PASSWORD)
        harness_copy, bare_copy = base / "a.pdf", base / "b.pdf"
        size_mb = signed.stat().st_size / 1024 / 1024

        start = [_timed([sys.executable, "-c", "pass"], env) for _ in range(pairs)]
        sign_a, sign_b = _pairs(
            pairs,
            lambda: _timed([harness, "sign", str(harness_copy), "--party", "project", "--key", str(keys["project"])],
                           env, lambda: shutil.copy(unsigned, harness_copy)),
            lambda: _timed([sys.executable, "-c", BARE_SIGN, str(bare_copy), str(keys["project"]), DEMO_PASSWORD],
                           env, lambda: shutil.copy(unsigned, bare_copy)),
        )  # fmt: skip
        verify_a, verify_b = _pairs(
            pairs,
            lambda: _timed([harness, "verify", str(signed), "--trust", str(keys["ca"])], env),
            lambda: _timed([sys.executable, "-c", BARE_VERIFY, str(signed), str(keys["ca"])], env),
        )

    floor_start = statistics.median(start)
    sign_ratio = statistics.median(sign_a) / statistics.median(sign_b)
    verify_ratio = statistics.median(verify_a) / statistics.median(verify_b)
    beyond = statistics.median(sign_a) - floor_start
    print(f"sign one field / verify three signatures of a {size_mb:.1f} MB report, {pairs} alternating pairs each")
    print(_line("python -c pass (interpreter start)", start))
    print(_line("harness sign (CLI)", sign_a))
    print(_line("pyHanko bare sign (floor)", sign_b))
    print(_line("harness verify (CLI)", verify_a))
    print(_line("pyHanko bare validate (floor)", verify_b))
    print("goals (medians):")
    verify_median = statistics.median(verify_a)
    for name, value, unit, goal in (
        ("sign beyond interpreter start", beyond, "s", SIGN_BEYOND_START),
        ("sign / floor", sign_ratio, "x", RATIO),
        ("verify", verify_median, "s", VERIFY_SECONDS),
        ("verify / floor", verify_ratio, "x", RATIO),
    ):
        print(f"  {name:<30} {value:6.3f} {unit}  (goal <= {goal} {unit}: {_verdict(value <= goal)})")


if __name__ == "__main__":
    main()
