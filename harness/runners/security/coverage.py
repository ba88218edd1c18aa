"""What a scan covered: what the plan already knows, whether it covered anything worth a verdict, and
the ``scan.*`` metrics criteria such as ``scan.urls >= 20`` read."""

from __future__ import annotations

from harness.results.messages import message
from harness.results.model import Message, ScanCoverage, SkippedItem
from harness.runners.security.engine import ScanOutcome, ScanPlan
from harness.runners.security.scan_plan import excluded_operations


def plan_coverage(plan: ScanPlan, outcome: ScanOutcome) -> None:
    """What the plan already knows: the spec's operations, replaced servers, operations excluded."""
    if plan.mode != "api":
        return
    coverage = outcome.coverage
    coverage.operations_imported = len(plan.operations)
    coverage.spec_servers_replaced = list(plan.servers_replaced)
    coverage.operations_skipped = [
        SkippedItem(name=name, reason=message("skip.security.excluded", regex=regex)) for name, regex in excluded_operations(plan).items()
    ]
    if plan.servers_replaced:
        outcome.notes.append(
            message("note.security.servers_replaced", servers=", ".join(plan.servers_replaced), url=plan.base_url)
        )


def coverage_problem(plan: ScanPlan, coverage: ScanCoverage) -> Message | None:
    """Why a scan that ran to its end covered nothing worth a verdict (None when it covered something)."""
    if plan.mode == "api" and plan.operations and coverage.operations_scanned == 0:
        return message("error.security.no_operation_requested", count=len(plan.operations))
    if plan.mode == "api" and not plan.operations:
        return message("error.security.no_operations")
    if coverage.urls_found == 0 or coverage.requests == 0:
        return message("error.security.nothing_found", url=plan.target_url, requests=coverage.requests or 0)
    return None


def coverage_metrics(coverage: ScanCoverage) -> dict[str, float]:
    """``scan.*`` metrics for criteria, only for what the engine measured."""
    metrics: dict[str, float] = {}
    for name, value in (
        ("scan.urls", coverage.urls_found),
        ("scan.urls_scanned", coverage.urls_scanned),
        ("scan.requests", coverage.requests),
        ("scan.operations", coverage.operations_imported),
        ("scan.operations_scanned", coverage.operations_scanned),
    ):
        if value is not None:
            metrics[name] = float(value)
    if coverage.rules_run:
        metrics["scan.rules"] = float(len(coverage.rules_run))
    return metrics
