"""The newman-json importer against real newman reports (permit collection; an outage run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.newman import NewmanImporter, percentile, timing_metrics
from harness.results.model import CaseStatus, SuiteStatus

REPO = Path(__file__).resolve().parents[3]
PERMIT = REPO / "suites" / "imports" / "newman" / "permit-api.json"
OUTAGE = REPO / "tests" / "data" / "newman" / "outage.json"


def test_every_assertion_of_every_iteration_is_a_case() -> None:
    result = NewmanImporter().read([PERMIT], "api", "integration")
    m = result.metrics
    assert (m["tests"], m["passed"], m["failed"], m["assertions"], m["assertions_failed"]) == (28, 24, 4, 28, 4)
    assert (m["requests"], m["requests_failed"], m["iterations"], m["error_rate"]) == (12, 0, 2, 0)
    assert result.status is SuiteStatus.FAILED
    failed = [c for c in result.cases if c.status is CaseStatus.FAILED]
    assert failed[0].id == "Auth / Log in as applicant::Session cookie is HttpOnly [iteration 1]"
    assert "to include 'httponly'" in failed[0].message and "AssertionError" in failed[0].details
    assert failed[0].properties["request"] == "POST /api/auth/token"
    assert failed[0].properties["status_code"] == "200"


def test_response_times_become_suite_and_request_metrics() -> None:
    result = NewmanImporter().read([PERMIT], "api", "integration")
    raw = json.loads(PERMIT.read_text(encoding="utf-8"))
    times = sorted(e["response"]["responseTime"] / 1000 for e in raw["run"]["executions"])
    assert result.metrics["max"] == times[-1] and result.metrics["min"] == times[0]
    assert result.metrics["avg"] == pytest.approx(raw["run"]["timings"]["responseAverage"] / 1000)
    names = [e.name for e in result.endpoints]
    assert names[0] == "Auth / Log in as applicant" and len(names) == 6
    assert all(e.metrics["requests"] == 2 for e in result.endpoints)


def test_request_errors_and_script_errors_are_errors() -> None:
    result = NewmanImporter().read([OUTAGE], "smoke", "integration")
    by_id = {c.id: c for c in result.cases}
    down = by_id["Permit types (service down)::(request)"]
    assert down.status is CaseStatus.ERROR and down.message == "connect ECONNREFUSED 127.0.0.1:18933"
    script = by_id["Health::(test-script)"]
    assert script.status is CaseStatus.ERROR and script.message.startswith("JSONError")
    assert result.metrics["requests_failed"] == 1 and result.metrics["error_rate"] == 0.5


def test_two_reports_add_up() -> None:
    result = NewmanImporter().read([PERMIT, PERMIT], "api", "integration")
    assert result.metrics["tests"] == 56 and result.metrics["requests"] == 24
    assert sum(1 for c in result.cases if c.id.endswith("#2")) == 28


def test_percentiles_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 95) == 95 and percentile(values, 50) == 50 and percentile([3.0], 99) == 3
    assert timing_metrics([]) == {}


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("", 1, "empty file"),
        (
            '{"collection": {"info": {"name": "x"}},\n "run": {"executions": [\n {"cursor": ',
            3,
            "malformed or truncated JSON",
        ),
        ('{"stats": {"tests": 3}}', 1, "not a newman JSON report"),
        ("[1, 2, 3]", 1, "not a newman JSON report"),
    ],
)
def test_bad_reports(tmp_path: Path, content: str, line: int, reason: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        NewmanImporter().read([path], "api", "integration")
    assert str(caught.value).startswith(f"{path}:{line}: ") and reason in str(caught.value)
