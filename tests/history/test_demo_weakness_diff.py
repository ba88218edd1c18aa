"""End to end with the real security runner: two real wapiti scans of the demo (tests/demo_scans.py), the
second with every weakness switched off and the first as its baseline, show the fixed findings in
`harness history diff` and in the second report's "changes since baseline"."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from demo_scans import DemoScans
from pypdf import PdfReader


def _fingerprints(run_dir: Path) -> dict[str, str]:
    (suite,) = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["suites"]
    return {f["fingerprint"]: f["name"] for f in suite["findings"] if f["action"] != "IGNORE" and f["fingerprint"]}


@pytest.mark.slow
def test_switching_weaknesses_off_shows_fixed_findings(
    demo_scans: DemoScans, demo_scan_history: Path, run_cli: Callable[..., object]
) -> None:
    before, after = _fingerprints(demo_scans.weak.run_dir), _fingerprints(demo_scans.fixed.run_dir)
    fixed, new = set(before) - set(after), set(after) - set(before)
    assert fixed, f"switching every weakness off fixed no finding: {sorted(before.values())}"
    first, second = demo_scans.weak.run_dir.name, demo_scans.fixed.run_dir.name
    diff = run_cli("history", "diff", first, second, "--json", "--history", str(demo_scan_history)).json()  # type: ignore[attr-defined]
    (compared,) = diff["suites"]  # type: ignore[index]
    assert compared["suite"] == "security"
    assert {f["fingerprint"] for f in compared["fixed"]} == fixed
    assert {f["fingerprint"] for f in compared["new"]} == new
    text = "\n".join(page.extract_text() for page in PdfReader(demo_scans.fixed.run_dir / "report.pdf").pages)
    assert "Changes since baseline" in text and f"Fixed findings ({len(fixed)})" in text
    assert before[sorted(fixed)[0]].split()[0] in text
