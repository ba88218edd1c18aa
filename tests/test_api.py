"""The public API re-exported by ``harness``: every name resolves to the real object, the API runs a profile
and reads the run back, and ``import harness`` alone loads none of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import harness
from harness.api import read_run, run_profile
from harness.errors import HarnessError, ProfileError
from harness.pipeline import RunOutcome
from harness.results.model import RunResult, SuiteResult, Verdict

JUNIT = Path(__file__).resolve().parent / "data" / "junit"


def test_the_public_names_are_the_real_objects() -> None:
    expected = {
        "run_profile": run_profile,
        "read_run": read_run,
        "RunOutcome": RunOutcome,
        "RunResult": RunResult,
        "SuiteResult": SuiteResult,
        "Verdict": Verdict,
        "HarnessError": HarnessError,
        "ProfileError": ProfileError,
    }
    assert sorted(harness.__all__) == sorted(["__version__", *expected])
    for name, value in expected.items():
        assert getattr(harness, name) is value, name


def test_importing_harness_loads_nothing_else() -> None:
    code = "import sys, harness; print(sorted(m for m in sys.modules if m.startswith('harness')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert loaded.stdout.strip() == "['harness']"


def test_run_a_profile_and_read_the_run(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "project: {name: Embedded}\n"
        "target: {base_url: 'http://127.0.0.1:9'}\n"
        "report: {language: en}\n"
        "history: {enabled: false}\n"
        f"suites:\n  - {{name: unit, kind: import, options: {{format: junit, paths: ['{JUNIT / 'latin1.xml'}']}}}}\n",
        encoding="utf-8",
    )
    outcome = harness.run_profile(profile, out_dir=tmp_path / "reports", environ={})
    assert outcome.run.verdict is harness.Verdict.PASS
    again = harness.read_run(outcome.run_dir)
    assert again.run_id == outcome.run.run_id and again.suites[0].metrics["tests"] > 0
