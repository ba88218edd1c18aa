"""The pipeline's judgement of suites cut short, with real pytest runs stopped by their suite timeout:
one had already failed a test (its default criterion is broken for good: FAIL, and it says it was cut
short), one had not (INCOMPLETE, with its partial value in the report)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_suites_cut_short_are_judged_on_what_they_gathered(
    tmp_path: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    for name, first in (("broken", "assert 1 + 1 == 3"), ("clean", "assert 1 + 1 == 2")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"test_{name}.py").write_text(
            f"import time\n\ndef test_first():\n    {first}\n\ndef test_second():\n    time.sleep(300)\n",
            encoding="utf-8",
        )
    profile = write_profile(
        """
        project: {name: cut short}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - {name: broken, kind: unit, timeout: 20, options: {paths: [broken], allure: false}}
          - {name: clean, kind: unit, timeout: 20, options: {paths: [clean], allure: false}}
        report: {language: en}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), timeout=300)
    assert result.code == 1, result.stdout + result.stderr  # broken's failure is final
    summary = result.json()
    suites = {s["name"]: s for s in summary["suites"]}
    broken, clean = suites["broken"], suites["clean"]
    assert broken["status"] == "failed" and broken["tests"]["failed"] == 1
    assert broken["stopped"]["cause"] == "time-cap" and broken["stopped"]["option"] == "suites.broken.timeout"
    assert clean["status"] == "incomplete" and clean["tests"]["passed"] == 1
    criteria = {c["suite"]: c for c in summary["criteria"]}
    assert criteria["broken"]["outcome"] == "failed" and criteria["broken"]["partial"]
    assert criteria["clean"]["outcome"] == "error" and criteria["clean"]["measured_text"] == "100 %"
    reasons = summary["verdict_reasons"]
    assert reasons[0].startswith("broken: pass_rate >= 100% failed (measured 0 %) on what the suite gathered")
    assert any(
        r.startswith("suite broken stopped early after") and "suite timeout time cap (20 s)" in r for r in reasons
    )
    assert any("raise suites.broken.timeout" in r for r in reasons)
    report = pdftotext(Path(summary["run_dir"]) / "report.pdf")
    row = next(line for line in report.splitlines() if line.lstrip().startswith("clean") and ">= 100%" in line)
    assert "100 %" in row and "not final" in row  # the partial value, not "—"
    assert "failed (and stopped early)" in report
