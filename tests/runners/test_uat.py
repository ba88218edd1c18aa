"""``kind: uat`` through ``harness run``: recorded results, evidence integrity, automated checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from harness_cli import CliResult

from harness.uat.checklist import load_checklist
from harness.uat.results import UatStatus, load_results, make_record, save_results, with_record
from tests.uat import project
from tests.uat.project import UatProject

uat_project = project.uat_project


def _record(project: UatProject, case_id: str, status: UatStatus, evidence: list[Path] | None = None) -> None:
    checklist = load_checklist(project.checklist)
    case = checklist.case(case_id)
    assert case is not None
    results = load_results(project.results)
    record = make_record(status=status, tester="刘芳", when=__import__("datetime").date(2025, 3, 14), comment=f"{status} note",
                         evidence=evidence or [], results_file=project.results, case_id=case_id,
                         fingerprint=case.fingerprint(), source="test")  # fmt: skip
    save_results(project.results, with_record(results, case_id, record))


def _run(run_cli: Callable[..., CliResult], project: UatProject, tmp_path: Path) -> tuple[int, dict[str, object]]:
    result = run_cli("run", str(project.profile), "--json", "--out", str(tmp_path / "reports"))
    assert result.code in (0, 1, 3), result.stderr
    summary = result.json()
    run = json.loads((Path(str(summary["run_dir"])) / "run.json").read_text())
    return result.code, run


def _suite(run: dict[str, object]) -> dict[str, object]:
    suites = run["suites"]
    assert isinstance(suites, list)
    return suites[0]


def test_recorded_results_pending_and_evidence_kept(
    run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path
) -> None:
    _record(uat_project, "C-1", UatStatus.PASS, [uat_project.evidence])
    code, run = _run(run_cli, uat_project, tmp_path)
    suite = _suite(run)
    metrics = suite["metrics"]
    assert (metrics["uat.passed"], metrics["uat.pending"], metrics["uat.total"]) == (1, 2, 3)
    # the default criterion needs every case recorded and passed: 2 pending cases fail it
    assert code == 1
    (criterion,) = run["criteria"]
    assert criterion["expression"] == "uat.pass_rate >= 100%" and criterion["default"]
    assert criterion["outcome"] == "failed" and criterion["measured_text"] == "33.33 %"
    run_dir = tmp_path / "reports" / run["run_id"]
    assert (run_dir / "raw" / "acceptance" / "evidence" / "C-1" / "receipt.txt").read_text(
        encoding="utf-8"
    ) == "回执 XK-0001\n"
    manifest = {f["path"] for f in json.loads((run_dir / "manifest.json").read_text())["files"]}
    assert "raw/acceptance/evidence/C-1/receipt.txt" in manifest and "raw/acceptance/portal.results.yaml" in manifest
    case = suite["cases"][0]
    assert case["properties"]["tester"] == "刘芳" and case["properties"]["evidence.1"].startswith(
        "portal-evidence/C-1/receipt.txt sha256:"
    )


def test_completeness_criterion_and_failures(
    run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path
) -> None:
    text = uat_project.profile.read_text(encoding="utf-8")
    uat_project.profile.write_text(
        text + "    criteria: ['uat.pending == 0', 'uat.failed + uat.blocked == 0']\n", encoding="utf-8"
    )
    _record(uat_project, "C-1", UatStatus.PASS)
    _record(uat_project, "C-2", UatStatus.BLOCKED)
    code, run = _run(run_cli, uat_project, tmp_path)
    assert code == 1
    outcomes = {c["expression"]: c["outcome"] for c in run["criteria"]}
    assert outcomes == {"uat.pending == 0": "failed", "uat.failed + uat.blocked == 0": "failed"}
    assert _suite(run)["status"] == "failed"


def test_changed_evidence_makes_the_result_invalid(
    run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path
) -> None:
    _record(uat_project, "C-1", UatStatus.PASS, [uat_project.evidence])
    stored = uat_project.results.parent / "portal-evidence" / "C-1" / "receipt.txt"
    stored.write_text("edited afterwards\n", encoding="utf-8")
    code, run = _run(run_cli, uat_project, tmp_path)
    case = _suite(run)["cases"][0]
    assert code == 1 and case["status"] == "error" and "changed since it was recorded" in case["message"]
    assert _suite(run)["metrics"]["uat.invalid"] == 1


def test_a_changed_case_needs_a_new_result(
    run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path
) -> None:
    _record(uat_project, "C-1", UatStatus.PASS)
    uat_project.checklist.write_text(
        uat_project.checklist.read_text(encoding="utf-8").replace("显示回执", "显示回执和费用"), encoding="utf-8"
    )
    _code, run = _run(run_cli, uat_project, tmp_path)
    case = _suite(run)["cases"][0]
    assert case["status"] == "skipped" and "record it again" in case["message"]


def test_broken_checklist_is_refused_before_anything_runs(
    run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path
) -> None:
    uat_project.checklist.write_text("checklist: x\ncases: []\n", encoding="utf-8")
    result = run_cli("run", str(uat_project.profile), "--json", "--out", str(tmp_path / "reports"))
    assert result.code == 2 and "portal.yaml:2" in result.stderr, result.stderr  # where the checklist is wrong
    assert f"{uat_project.profile}:" in result.stderr  # and which suite of which profile names it
    assert not (tmp_path / "reports").exists()  # nothing ran


@pytest.mark.slow
def test_automated_checks_run_against_the_target(
    run_cli: Callable[..., CliResult], uat_project: UatProject, tmp_path: Path
) -> None:
    failing = tmp_path / "suites" / "uat" / "test_portal_check.py"
    failing.write_text(
        "def test_receipt_has_deadline(api):\n    assert api.get('/health').json()['status'] == 'down'\n"
    )
    checklist = uat_project.checklist.read_text(encoding="utf-8")
    uat_project.checklist.write_text(
        checklist.replace(
            "expected: 显示状态", "expected: 显示状态\n    check: test_portal_check.py::test_receipt_has_deadline"
        ),
        encoding="utf-8",
    )
    uat_project.profile.write_text(
        uat_project.profile.read_text(encoding="utf-8").replace("run_checks: false", "run_checks: true"),
        encoding="utf-8",
    )
    _record(uat_project, "C-2", UatStatus.PASS)
    code, run = _run(run_cli, uat_project, tmp_path)
    cases = {c["id"]: c for c in _suite(run)["cases"]}
    assert cases["C-3"]["properties"]["check.outcome"] == "passed" and cases["C-3"]["status"] == "skipped"
    assert cases["C-2"]["status"] == "failed" and "automated check test_portal_check.py" in cases["C-2"]["message"]
    assert code == 1
