"""The allure importer against a real allure-results directory (allure-pytest), plus retries and bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.allure import AllureImporter
from harness.results.model import CaseStatus

RESULTS = Path(__file__).resolve().parents[2] / "data" / "allure" / "permit-results"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "allure-results"
    shutil.copytree(RESULTS, target)
    return target


def _by_name(directory: Path) -> dict[str, Path]:
    return {json.loads(p.read_text())["name"]: p for p in directory.glob("*-result.json")}


def test_statuses_steps_labels_and_attachments() -> None:
    result = AllureImporter().read([RESULTS], "portal", "integration")
    m = result.metrics
    assert (m["tests"], m["passed"], m["failed"], m["errors"], m["skipped"]) == (6, 3, 1, 1, 1)
    cases = {c.name: c for c in result.cases}
    submit = cases["test_submit_application"]
    assert "[passed] Receipt shows the fee" in submit.details
    assert submit.properties["label.feature"] == "Applications"
    assert submit.properties["label.severity"] == "critical"
    attachments = [v for k, v in submit.properties.items() if k.startswith("attachment.")]
    assert any(v.startswith("receipt: ") and v.endswith("(text/html)") for v in attachments)
    assert cases["test_fee_rounding"].message.startswith("AssertionError: fee must be rounded")
    assert cases["test_ledger_posting"].status is CaseStatus.ERROR  # broken
    assert "set-up fixture 'ledger' broken" in cases["test_ledger_posting"].details
    assert {c.id for c in result.cases} >= {"test_portal#test_deadline[days=1]", "test_portal#test_deadline[days=90]"}
    assert result.tool is not None and result.tool.name == "Allure results (pytest)"
    assert result.notes == ()


def test_retries_fold_into_the_last_attempt(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    failed_file = _by_name(directory)["test_fee_rounding"]
    retry = json.loads(failed_file.read_text())
    retry.update(uuid="retry-1", status="passed", statusDetails={}, start=retry["stop"] + 10, stop=retry["stop"] + 20)
    (directory / "retry-1-result.json").write_text(json.dumps(retry))
    result = AllureImporter().read([directory], "portal", "integration")
    case = next(c for c in result.cases if c.name == "test_fee_rounding")
    assert case.status is CaseStatus.PASSED and case.properties["retries"] == "1"
    assert result.metrics["tests"] == 6
    assert any("1 earlier attempt" in n for n in result.notes)


def test_a_broken_teardown_makes_a_passed_test_an_error(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    passed = json.loads(_by_name(directory)["test_submit_application"].read_text())
    container = {
        "uuid": "c-1",
        "children": [passed["uuid"]],
        "afters": [{"name": "browser", "status": "broken", "statusDetails": {"message": "session lost"}}],
    }
    (directory / "c-1-container.json").write_text(json.dumps(container))
    case = next(c for c in AllureImporter().read([directory], "p", "ui").cases if c.name == "test_submit_application")
    assert case.status is CaseStatus.ERROR
    assert case.message == "tear-down fixture 'browser' broken: session lost"


def test_unknown_status_is_not_a_pass(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = _by_name(directory)["test_submit_application"]
    data = json.loads(path.read_text())
    data["status"] = "unknown"
    path.write_text(json.dumps(data))
    case = next(c for c in AllureImporter().read([directory], "p", "ui").cases if c.name == "test_submit_application")
    assert case.status is CaseStatus.ERROR and "not known" in case.message


def test_missing_attachment_is_noted(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    for attachment in directory.glob("*-attachment.html"):
        attachment.unlink()
    result = AllureImporter().read([directory], "p", "ui")
    assert any("1 attachment file(s) referenced but missing" in n for n in result.notes)


def test_result_files_can_be_given_one_by_one() -> None:
    files = sorted(RESULTS.glob("*-result.json"))
    assert AllureImporter().read(files, "p", "ui").metrics["tests"] == 6


def test_bad_input(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    broken = next(directory.glob("*-result.json"))
    broken.write_text('{"name": "x",\n  "status": ')
    with pytest.raises(ImportFormatError, match=rf"^{broken}:2: malformed JSON"):
        AllureImporter().read([directory], "p", "ui")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportFormatError, match="no Allure results"):
        AllureImporter().read([empty], "p", "ui")
