"""What the calls of an access-control matrix add up to: cases, findings, coverage and metrics (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.results.findings import alert_metrics, fingerprint, sort_findings
from harness.results.messages import message
from harness.results.model import (
    CaseStatus,
    Finding,
    Instance,
    Risk,
    RuleAction,
    ScanCoverage,
    SkippedItem,
    TestCase,
)
from harness.results.severity import FailOn, severity_actions
from harness.runners.access.matrix import Cell, Outcome, Violation

ACCESS_METRICS: frozenset[str] = frozenset(
    {"access.cells", "access.cells_tested", "access.cells_skipped", "access.violations",
     "access.unexpected_denials", "access.requests"}
)  # fmt: skip

_RULES: dict[Violation, tuple[str, str, int, str]] = {
    # violation -> rule id, name, CWE, what to do
    # the rule ids are what profiles' ``rules:`` name; keep them stable
    "unauthenticated": (
        "access:unauthenticated",
        "Unauthenticated access",
        862,
        "Require authentication for this endpoint and check it on the server for every request.",
    ),
    "vertical": (
        "access:vertical-escalation",
        "Vertical privilege escalation",
        285,
        "Check the caller's role on the server before serving this endpoint (deny by default).",
    ),
    "horizontal": (
        "access:horizontal-escalation",
        "Horizontal privilege escalation (IDOR)",
        639,
        "Check that the object belongs to the caller (or that the caller may see it) before serving it.",
    ),
}


@dataclass(frozen=True)
class Call:
    """One cell as it was called: the request as sent (credentials redacted), the answer, what it means."""

    cell: Cell
    url: str
    request: str
    status: int | None  # None: no answer (connection error, refused redirect)
    outcome: Outcome
    excerpt: str = ""  # the start of the answer's body, redacted
    problem: str = ""  # why there was no answer

    @property
    def violated(self) -> bool:
        return not self.cell.allowed and self.outcome is Outcome.ALLOWED

    @property
    def wrongly_denied(self) -> bool:
        return self.cell.allowed and self.outcome is Outcome.DENIED


def describe(call: Call) -> str:
    expected = "allowed" if call.cell.allowed else "denied"
    answer = f"HTTP {call.status}" if call.status is not None else call.problem
    return f"{call.cell.role} expected {expected}, got {answer} ({call.outcome.value})"


def finding(call: Call, fail_on: FailOn, rules: Mapping[str, RuleAction]) -> Finding:
    """The security finding of a cell that must be denied and was allowed."""
    cell = call.cell
    rule_id, name, cwe, solution = _RULES[cell.violation]
    param = ",".join(cell.values)
    whose = f"an object of {cell.owner}" if cell.owner and cell.owner != cell.role else "the endpoint"
    return Finding(
        rule_id=rule_id,
        name=f"{name}: {cell.role} → {cell.endpoint.label}",
        risk=Risk.HIGH,
        confidence="Confirmed",
        cwe=cwe,
        description=f"The role {cell.role} reached {whose} at {cell.endpoint.label}, which the access matrix "
        f"denies it, and the target answered HTTP {call.status}.",
        solution=solution,
        instances=(
            Instance(
                url=call.url,
                method=cell.endpoint.method.upper(),
                param=param,
                attack=", ".join(f"{k}={v}" for k, v in cell.values.items()) or f"as {cell.role}",
                evidence=f"HTTP {call.status}: {call.excerpt}",
                other=f"role: {cell.role}" + (f"; object of: {cell.owner}" if cell.owner else ""),
                request=call.request,
            ),
        ),
        action=rules.get(rule_id, severity_actions(fail_on)[Risk.HIGH]),
        fingerprint=fingerprint(rule_id, cell.endpoint.method.upper(), cell.endpoint.path, cell.role),
        occurrences=1,
    )


def case(call: Call) -> TestCase:
    if call.outcome is Outcome.INCONCLUSIVE:
        status = CaseStatus.ERROR
    elif call.violated or call.wrongly_denied:
        status = CaseStatus.FAILED
    else:
        status = CaseStatus.PASSED
    return TestCase(
        id=call.cell.id,
        name=call.cell.id,
        classname="access-control",
        status=status,
        message="" if status is CaseStatus.PASSED else describe(call),
        details=call.request,
        properties={"role": call.cell.role, "expected": "allowed" if call.cell.allowed else "denied"},
    )


@dataclass(frozen=True)
class Tally:
    findings: tuple[Finding, ...]
    cases: tuple[TestCase, ...]
    coverage: ScanCoverage
    metrics: dict[str, float]


def tally(
    calls: Sequence[Call],
    unlisted: Sequence[tuple[str, str]],
    planned: int,
    fail_on: FailOn,
    rules: Mapping[str, RuleAction] | None = None,
    endpoints: int | None = None,
) -> Tally:
    """Findings, cases, coverage and metrics of the calls made (``planned``: the cells of the matrix;
    ``endpoints``: how many it has). In the coverage, "operations" are cells: in the matrix / decided."""
    findings = sort_findings(finding(c, fail_on, rules or {}) for c in calls if c.violated)
    cases = [case(c) for c in calls]
    skipped = [SkippedItem(name=name, reason=message("skip.access.unlisted")) for name, _ in unlisted]
    skipped += [
        SkippedItem(
            name=c.cell.id,
            reason=message("skip.access.inconclusive", answer=f"HTTP {c.status}" if c.status else c.problem),
        )
        for c in calls
        if c.outcome is Outcome.INCONCLUSIVE
    ]
    skipped += (
        [SkippedItem(name=f"{planned - len(calls)} cell(s)", reason=message("skip.access.cut_short"))]
        if planned > len(calls)
        else []
    )
    tested = sum(1 for c in calls if c.outcome is not Outcome.INCONCLUSIVE)
    coverage = ScanCoverage(
        urls_found=endpoints,  # the matrix's endpoints (the report's "URLs found")
        urls_scanned=len({c.cell.endpoint.label for c in calls if c.outcome is not Outcome.INCONCLUSIVE}),
        requests=len(calls),
        operations_imported=planned + len(unlisted),
        operations_scanned=tested,
        operations_skipped=tuple(skipped),
    )
    metrics = {
        **alert_metrics(findings),
        "access.cells": float(planned + len(unlisted)),
        "access.cells_tested": float(tested),
        "access.cells_skipped": float(planned + len(unlisted) - tested),
        "access.violations": float(sum(1 for c in calls if c.violated)),
        "access.unexpected_denials": float(sum(1 for c in calls if c.wrongly_denied)),
        "access.requests": float(len(calls)),
    }
    return Tally(tuple(findings), tuple(cases), coverage, metrics)
