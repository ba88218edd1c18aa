"""``harness import`` as a unit: an import is a ``kind: import`` suite run through the pipeline, so its
criteria are planned like a profile's, ``baseline.*`` criteria are judged against the history, and a
malformed file changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import ProfileError, RunnerSetupError
from harness.history import HistoryLocation
from harness.importing import ImportRequest, import_into, new_run, parse_criteria
from harness.results.importers import load_importers
from harness.results.model import CriterionOutcome, Verdict

JUNIT = Path(__file__).resolve().parent / "data" / "junit"


def _request(source: Path, *criteria: str, history: Path | None = None, baseline: str | None = None) -> ImportRequest:
    return ImportRequest(
        (source,), load_importers()["junit"], "api", "unit", tuple(criteria), baseline=baseline,
        history=HistoryLocation.of(history) if history is not None else None,
    )  # fmt: skip


def test_baseline_criteria_are_judged_against_the_history(tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    criterion = "failed <= baseline.failed"
    first = import_into(
        new_run(tmp_path, "p", "en")[0],
        _request(JUNIT / "latin1.xml", criterion, history=history, baseline="previous"),
    )
    assert first.run.criteria[0].outcome is CriterionOutcome.WARNED
    second = import_into(
        new_run(tmp_path, "p", "en")[0],
        _request(JUNIT / "pytest-zh-failures.xml", criterion, history=history, baseline="previous"),
    )
    judged = second.run.criteria[0]
    assert (judged.outcome.value, judged.measured) == ("failed", 3.0)  # 3 failures against 0 before
    assert second.run.verdict is Verdict.FAIL
    recorded = json.loads((second.run_dir / "run.json").read_text(encoding="utf-8"))
    assert recorded["verdict"] == "FAIL" and recorded["suites"][0]["kind"] == "unit"


def test_a_baseline_criterion_without_a_baseline_says_what_to_pass() -> None:
    with pytest.raises(ProfileError, match="pass --baseline"):
        parse_criteria(_request(JUNIT / "latin1.xml", "failed <= baseline.failed"))


def test_criteria_are_planned_like_a_profiles(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="metric 'p95' is not produced by junit imports"):
        parse_criteria(_request(JUNIT / "latin1.xml", "p95 < 1s"))
    defaults = parse_criteria(_request(JUNIT / "latin1.xml"))
    assert [c.text for c in defaults] and all("pass_rate" in c.text or "failed" in c.text for c in defaults)


def test_a_malformed_file_changes_nothing(tmp_path: Path) -> None:
    rundir = new_run(tmp_path, "p", "en")[0]
    before = sorted(p.relative_to(rundir.path) for p in rundir.path.rglob("*"))
    broken = tmp_path / "broken.xml"
    broken.write_text("<testsuite><testcase name='x'>", encoding="utf-8")
    with pytest.raises(RunnerSetupError, match=r"broken\.xml"):
        import_into(rundir, _request(broken))
    assert sorted(p.relative_to(rundir.path) for p in rundir.path.rglob("*")) == before
