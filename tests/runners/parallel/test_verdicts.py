"""From exchanges to cases and metrics: what counts as a mismatch, what is noise, what is ignored."""

from __future__ import annotations

from harness.results.model import CaseStatus
from harness.runners.parallel.compare import FieldDiff
from harness.runners.parallel.data import Check, TableOutcome
from harness.runners.parallel.verdicts import Exchange, tally

ANSWERED = {"primary": "HTTP 200", "secondary": "HTTP 200", "candidate": "HTTP 200"}


def test_a_field_that_also_differs_between_the_old_instances_is_noise_not_a_mismatch() -> None:
    created = FieldDiff("$.created_at", '"t1"', '"t3"')
    fee = FieldDiff("$.fee", '"3500.00"', '"3250.00"')
    due = FieldDiff("$.due_date", '"2026/01/31"', '"2026-01-31"', ignored=True, reason="agreed")
    noisy = Exchange(0, "POST /a", "POST /a HTTP/1.1", ANSWERED, (created,), (FieldDiff("$.created_at", '"t1"', '"t2"'),))
    changed = Exchange(1, "GET /a/1", "GET /a/1 HTTP/1.1", ANSWERED, (created, fee, due), (created,))
    down = Exchange(2, "GET /b", "GET /b HTTP/1.1", {**ANSWERED, "candidate": "no answer: ConnectTimeout"},
                    (FieldDiff("status", "HTTP 200", "no answer: ConnectTimeout"),))  # fmt: skip
    result = tally([noisy, changed, down], [], with_data=False)
    assert result.metrics == {
        "parallel.requests": 3,
        "parallel.mismatches": 2,
        "parallel.mismatch_rate": 2 / 3,
        "parallel.mismatched_fields": 2,
        "parallel.noise_fields": 2,
        "parallel.ignored_fields": 1,
        "parallel.unanswered": 1,
    }
    first, second, third = result.cases
    assert first.status is CaseStatus.PASSED and first.properties["noise.0.path"] == "$.created_at"
    assert second.status is CaseStatus.FAILED and second.message.endswith("differ between the old and the new system: $.fee")
    assert "$.fee\n  old: \"3500.00\"\n  new: \"3250.00\"" in second.details and "GET /a/1 HTTP/1.1" in second.details
    assert second.properties["ignored.0.rule"] == "agreed" and "diff.1.path" not in second.properties
    assert third.status is CaseStatus.FAILED and third.properties["answer.candidate"] == "no answer: ConnectTimeout"


def test_tables_are_cases_and_count_when_they_differ_or_their_queries_fail() -> None:
    same = TableOutcome("users", (Check("count", "4", "4", True),))
    differs = TableOutcome("applications", (Check("count", "2", "2", True), Check("fees", "3500", "3250", False)), ("1",))
    failed = TableOutcome("audit", error="old: query failed: no such column: x")
    result = tally([], [same, differs, failed], with_data=True)
    assert result.metrics["parallel.requests"] == 0 and result.metrics["parallel.mismatch_rate"] == 0
    assert (result.metrics["data.tables"], result.metrics["data.mismatched_tables"], result.metrics["data.failed_queries"]) == (3, 1, 1)
    statuses = {c.name: c.status for c in result.cases}
    assert statuses == {"users": CaseStatus.PASSED, "applications": CaseStatus.FAILED, "audit": CaseStatus.ERROR}
    (case,) = [c for c in result.cases if c.name == "applications"]
    assert case.message == "fees: old 3500, new 3250; rows that differ (key): 1" and case.properties["keys"] == "1"
