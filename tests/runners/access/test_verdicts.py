"""What the calls of a matrix add up to: findings only for violations, cases for every call, coverage with
the skipped cells and why, and metrics the default criteria read."""

from __future__ import annotations

from harness.results.model import CaseStatus, Risk, RuleAction
from harness.runners.access.matrix import Outcome, cells
from harness.runners.access.verdicts import ACCESS_METRICS, Call, tally
from tests.runners.access.test_matrix import options


def calls_with(answers: dict[tuple[str, str, str], int]) -> list[Call]:
    """Every cell of the test matrix called; ``answers`` by (role, method, owner), else 2xx/403 as expected."""
    planned, _ = cells(options())
    made = []
    for cell in planned:
        status = answers.get((cell.role, cell.endpoint.method, cell.owner), 200 if cell.allowed else 403)
        outcome = (
            Outcome.ALLOWED if status < 300 else Outcome.DENIED if status in (401, 403, 404) else Outcome.INCONCLUSIVE
        )
        request = f"{cell.endpoint.method} /x HTTP/1.1\nAuthorization: ***  (as {cell.role})"
        made.append(Call(cell, "http://127.0.0.1:1/x", request, status, outcome, excerpt='{"owner": "bob"}'))
    return made


def test_a_matrix_that_holds_gives_no_finding_and_every_cell_tested() -> None:
    result = tally(calls_with({}), [("bob: DELETE /admin/cache", "unlisted")], 8, "high")
    assert result.findings == ()
    assert result.metrics["access.cells"] == 9 and result.metrics["access.cells_tested"] == 8
    assert result.metrics["access.cells_skipped"] == 1 and result.metrics["access.violations"] == 0
    assert result.metrics["alerts.fail"] == 0 and set(result.metrics) >= ACCESS_METRICS
    assert all(case.status is CaseStatus.PASSED for case in result.cases) and len(result.cases) == 8
    (skipped,) = result.coverage.operations_skipped
    assert skipped.name == "bob: DELETE /admin/cache" and "no expectation" in str(skipped.reason)


def test_each_violation_is_a_high_finding_with_its_cwe_and_the_request_that_shows_it() -> None:
    answers = {("alice", "GET", "bob"): 200, ("anonymous", "DELETE", ""): 204, ("alice", "DELETE", ""): 200}
    result = tally(calls_with(answers), [], 8, "high")
    found = {f.rule_id: f for f in result.findings}
    assert {rule: f.cwe for rule, f in found.items()} == {
        "access:horizontal-escalation": 639,
        "access:unauthenticated": 862,
        "access:vertical-escalation": 285,
    }
    assert all(f.risk is Risk.HIGH and f.action is RuleAction.FAIL and f.fingerprint for f in result.findings)
    idor = found["access:horizontal-escalation"].instances[0]
    assert idor.request.startswith("GET /x") and "(as alice)" in idor.request and "***" in idor.request
    assert idor.attack == "id={b}" and idor.evidence.startswith("HTTP 200") and "object of: bob" in idor.other
    assert result.metrics["access.violations"] == 3 and result.metrics["alerts.fail"] == 3
    assert result.metrics["alerts.high"] == 3
    failed = [c.id for c in result.cases if c.status is CaseStatus.FAILED]
    assert "alice: GET /things/{id} [bob's object]" in failed and len(failed) == 3


def test_the_policy_and_the_rules_set_a_violations_action() -> None:
    answers = {("alice", "GET", "bob"): 200, ("alice", "DELETE", ""): 200}
    never = tally(calls_with(answers), [], 8, "never")
    assert {f.action for f in never.findings} == {RuleAction.WARN} and never.metrics["alerts.fail"] == 0
    ruled = tally(calls_with(answers), [], 8, "high", {"access:horizontal-escalation": RuleAction.WARN})
    actions = {f.rule_id: f.action for f in ruled.findings}
    assert actions == {"access:horizontal-escalation": RuleAction.WARN, "access:vertical-escalation": RuleAction.FAIL}


def test_a_denial_where_the_matrix_allows_fails_the_cell_without_a_finding() -> None:
    result = tally(calls_with({("alice", "GET", "alice"): 403}), [], 8, "high")
    assert result.findings == () and result.metrics["access.unexpected_denials"] == 1
    (failed,) = [c for c in result.cases if c.status is CaseStatus.FAILED]
    assert failed.message == "alice expected allowed, got HTTP 403 (denied)"


def test_an_answer_that_proves_nothing_is_not_counted_as_tested_and_says_why() -> None:
    result = tally(calls_with({("admin", "GET", "alice"): 500, ("bob", "GET", "alice"): 302}), [], 8, "high")
    assert result.metrics["access.cells_tested"] == 6 and result.metrics["access.cells_skipped"] == 2
    reasons = {item.name: str(item.reason) for item in result.coverage.operations_skipped}
    assert (
        reasons["admin: GET /things/{id} [alice's object]"] == "the answer (HTTP 500) means neither allowed nor denied"
    )
    assert sum(1 for c in result.cases if c.status is CaseStatus.ERROR) == 2


def test_cells_never_called_are_counted_as_skipped() -> None:
    result = tally(calls_with({})[:3], [], 8, "high")
    assert result.metrics["access.cells_tested"] == 3 and result.metrics["access.cells_skipped"] == 5
    assert [item.name for item in result.coverage.operations_skipped] == ["5 cell(s)"]
