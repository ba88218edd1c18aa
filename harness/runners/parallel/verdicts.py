"""From the exchanges and table checks of a parallel run to test cases and metrics (pure).

Each replayed request is a test case, failed when a field differs between the old and the new system that
is neither ignored by a rule nor noise (it also differs between the two old instances). Each checked table
is a test case, failed when one of its checks differs, errored when its queries failed. The case's
properties carry every field with both values for the report (``diff.N.*``, ``noise.N.*``, ``ignored.N.*``,
``check.N.*``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from harness.results.model import CaseStatus, TestCase
from harness.runners.parallel.compare import FieldDiff
from harness.runners.parallel.data import TableOutcome

PARALLEL_METRICS = frozenset(
    {
        "parallel.requests",
        "parallel.mismatches",
        "parallel.mismatch_rate",
        "parallel.mismatched_fields",
        "parallel.noise_fields",
        "parallel.ignored_fields",
        "parallel.unanswered",
    }
)
DATA_METRICS = frozenset({"data.tables", "data.mismatched_tables", "data.failed_queries"})
REQUESTS_CLASS = "parallel-run.requests"
DATA_CLASS = "parallel-run.data"
FIELDS_LISTED = 50  # fields of one request kept in its case (the raw evidence file has all of them)


@dataclass(frozen=True)
class Exchange:
    """One request sent to every system: what each answered and how the answers differ."""

    index: int
    label: str
    request: str  # as sent (secrets redacted)
    statuses: Mapping[str, str]  # system -> "HTTP 200" or the reason there was no answer
    differences: tuple[FieldDiff, ...] = ()  # primary vs candidate
    noise: tuple[FieldDiff, ...] = ()  # primary vs secondary (not ignored)

    def split(self) -> tuple[list[FieldDiff], list[FieldDiff], list[FieldDiff]]:
        """``(mismatches, noise, ignored)`` of the differences between the old and the new system."""
        noisy_paths = {d.path for d in self.noise}
        ignored = [d for d in self.differences if d.ignored]
        noise = [d for d in self.differences if not d.ignored and d.path in noisy_paths]
        counted = [d for d in self.differences if not d.ignored and d.path not in noisy_paths]
        return counted, noise, ignored


@dataclass(frozen=True)
class Tally:
    cases: tuple[TestCase, ...]
    metrics: dict[str, float]
    evidence: list[dict[str, object]] = field(default_factory=list)


def tally(exchanges: Sequence[Exchange], tables: Sequence[TableOutcome], with_data: bool) -> Tally:
    cases: list[TestCase] = []
    evidence: list[dict[str, object]] = []
    mismatches = mismatched_fields = ignored_fields = unanswered = 0
    noise_fields = 0
    for exchange in exchanges:
        counted, noise, ignored = exchange.split()
        mismatches += bool(counted)
        mismatched_fields += len(counted)
        ignored_fields += len(ignored)
        noise_fields += len(exchange.noise)
        unanswered += any(s.startswith("no answer") for s in exchange.statuses.values())
        cases.append(_request_case(exchange, counted, ignored))
        evidence.append(
            {
                "request": exchange.request,
                "answers": dict(exchange.statuses),
                "mismatches": [_field(d) for d in counted],
                "noise": [_field(d) for d in exchange.noise],
                "noise_in_candidate": [d.path for d in noise],
                "ignored": [_field(d) for d in ignored],
            }
        )
    metrics: dict[str, float] = {
        "parallel.requests": len(exchanges),
        "parallel.mismatches": mismatches,
        "parallel.mismatch_rate": mismatches / len(exchanges) if exchanges else 0.0,
        "parallel.mismatched_fields": mismatched_fields,
        "parallel.noise_fields": noise_fields,
        "parallel.ignored_fields": ignored_fields,
        "parallel.unanswered": unanswered,
    }
    if with_data:
        metrics["data.tables"] = len(tables)
        metrics["data.mismatched_tables"] = sum(1 for t in tables if not t.error and not t.consistent)
        metrics["data.failed_queries"] = sum(1 for t in tables if t.error)
        for table in tables:
            cases.append(_table_case(table))
            evidence.append(
                {
                    "table": table.table,
                    "checks": [vars(c) for c in table.checks],
                    "differing_keys": list(table.differing_keys),
                    "error": table.error,
                }
            )
    return Tally(tuple(cases), metrics, evidence)


def _field(diff: FieldDiff) -> dict[str, object]:
    found: dict[str, object] = {"path": diff.path, "old": diff.left, "new": diff.right}
    if diff.reason:
        found["rule"] = diff.reason
    return found


def _request_case(exchange: Exchange, counted: list[FieldDiff], ignored: list[FieldDiff]) -> TestCase:
    properties: dict[str, str] = {"request": exchange.request}
    properties |= {f"answer.{name}": status for name, status in exchange.statuses.items()}
    for prefix, diffs in (("diff", counted), ("noise", list(exchange.noise)), ("ignored", ignored)):
        for number, diff in enumerate(diffs[:FIELDS_LISTED]):
            properties[f"{prefix}.{number}.path"] = diff.path
            properties[f"{prefix}.{number}.old"] = diff.left
            properties[f"{prefix}.{number}.new"] = diff.right
            if diff.reason:
                properties[f"{prefix}.{number}.rule"] = diff.reason
        if len(diffs) > FIELDS_LISTED:
            properties[f"{prefix}.more"] = str(len(diffs) - FIELDS_LISTED)
    message = ""
    details = ""
    if counted:
        paths = ", ".join(d.path for d in counted[:10]) + (" …" if len(counted) > 10 else "")
        message = f"{len(counted)} field(s) differ between the old and the new system: {paths}"
        lines = [f"{d.path}\n  old: {d.left}\n  new: {d.right}" for d in counted[:FIELDS_LISTED]]
        details = "\n".join(lines) + f"\n\nrequest:\n{exchange.request}"
    return TestCase(
        id=f"{exchange.index + 1:04d} {exchange.label}",
        name=exchange.label,
        classname=REQUESTS_CLASS,
        status=CaseStatus.FAILED if counted else CaseStatus.PASSED,
        message=message,
        details=details,
        properties=properties,
    )


def _table_case(table: TableOutcome) -> TestCase:
    properties: dict[str, str] = {}
    for number, check in enumerate(table.checks):
        properties[f"check.{number}.name"] = check.name
        properties[f"check.{number}.old"] = check.primary
        properties[f"check.{number}.new"] = check.candidate
        properties[f"check.{number}.equal"] = "yes" if check.equal else "no"
    if table.differing_keys:
        properties["keys"] = " | ".join(table.differing_keys)
    if table.error:
        properties["error"] = table.error
        status, message = CaseStatus.ERROR, table.error
    elif table.consistent:
        status, message = CaseStatus.PASSED, ""
    else:
        differing = [c for c in table.checks if not c.equal]
        status = CaseStatus.FAILED
        message = "; ".join(f"{c.name}: old {c.primary}, new {c.candidate}" for c in differing)
        if table.differing_keys:
            message += f"; rows that differ (key): {', '.join(table.differing_keys)}"
    return TestCase(
        id=f"data: {table.table}",
        name=table.table,
        classname=DATA_CLASS,
        status=status,
        message=message,
        details=message,
        properties=properties,
    )
