"""``summary.json``: the run in a small, stable, versioned shape for CI systems and dashboards.

Shape (``summary_version`` 1; fields are only ever added within a version):

    summary_version, run_id, verdict, verdict_reasons[], exit_code, started, finished, interrupted,
    partial, not_selected[], disabled[]   (partial: suites were left out with --suite; the verdict does not cover them)
    profile {name, sha256}, project {name, system, version, stage}, target {name, base_url, version},
    suites[] {name, kind, status, error, metrics{}, tests{total, passed, failed, errors, skipped},
              findings{total, gating, by_risk{critical, high, medium, low, info},
                       by_action{FAIL, WARN, INFO, IGNORE}, false_positives},
              stopped: null | {cause, cap, option, limit, elapsed, detail, text}, notes[],
              coverage: null | {urls_found, urls_scanned, requests, rules_run[], rules_refused[{name, reason}],
                                operations_imported, operations_scanned, operations_skipped[{name, reason}],
                                spec_servers_replaced[]}},
    criteria[] {suite, expression, action, expected, measured, measured_text, outcome, default, message, partial}
    comparison: null, or {baseline, new_findings{total, critical, high, medium, low, info}, fixed_findings{...},
        suites[] {suite, baseline_run, baseline_started, baseline_verdict, note, new[], fixed[], unchanged[]
        (findings: fingerprint, rule_id, name, risk, action, instances), metrics[] {name, endpoint, baseline,
        current, change, relative}}}   (the changes since the profile's baseline, docs/history-and-scheduling.md)

Times are seconds, ratios fractions (as in run.json). Documented in docs/summary-json.md, with a JSON
Schema in docs/summary.schema.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from harness.exitcodes import VERDICT_EXIT
from harness.gates.verdict import suite_stop
from harness.results.model import (
    Comparison,
    CriterionResult,
    FindingRef,
    Risk,
    RuleAction,
    RunResult,
    ScanCoverage,
    SuiteResult,
)
from harness.results.rundir import RunDirectory, write_json_atomic
from harness.results.selection import partial_run

SUMMARY_VERSION = 1


def _findings(suite: SuiteResult) -> dict[str, object]:
    """Counts of the suite's findings: ``gating`` are those whose rule action is FAIL; false positives
    (marked by the engine or a reviewer) are counted apart and never gate."""
    return {
        "total": len(suite.findings),
        "gating": sum(1 for f in suite.findings if f.action is RuleAction.FAIL),
        "by_risk": {risk.value: sum(1 for f in suite.findings if f.risk is risk) for risk in Risk},
        "by_action": {action.value: sum(1 for f in suite.findings if f.action is action) for action in RuleAction},
        "false_positives": len(suite.false_positives),
    }


def _stopped(suite: SuiteResult) -> dict[str, object] | None:
    """How a suite was cut short, with the English sentence the report prints; None if it was not."""
    if suite.stopped is None and suite.status.value != "incomplete":
        return None
    record = suite.stopped.model_dump(mode="json") if suite.stopped else {"cause": "other"}
    return {**record, "text": str(suite_stop(suite))}


def _criterion(criterion: CriterionResult) -> dict[str, object]:
    return {**criterion.model_dump(mode="json"), "message": str(criterion.message)}


def build_summary(run: RunResult) -> dict[str, object]:
    selection = partial_run(run)
    return {
        "summary_version": SUMMARY_VERSION,
        "run_id": run.run_id,
        "verdict": run.verdict.value,
        "verdict_reasons": [str(reason) for reason in run.verdict_reasons],
        "exit_code": int(VERDICT_EXIT[run.verdict.value]),
        "started": run.started.isoformat(),
        "finished": run.finished.isoformat() if run.finished else None,
        "interrupted": run.interrupted,
        "partial": selection.partial,
        "not_selected": list(selection.not_selected),
        "disabled": list(selection.disabled),
        "profile": {"name": run.profile.name, "sha256": run.profile.sha256},
        "project": run.project.model_dump(mode="json"),
        "target": {"name": run.target.name, "base_url": run.target.base_url, "version": run.target.version},
        "suites": [
            {
                "name": suite.name,
                "kind": suite.kind,
                "status": suite.status.value,
                "error": suite.error,
                "metrics": suite.metrics,
                "tests": {
                    key: int(suite.metrics.get(metric, 0))
                    for key, metric in (
                        ("total", "tests"),
                        ("passed", "passed"),
                        ("failed", "failed"),
                        ("errors", "errors"),
                        ("skipped", "skipped"),
                    )
                },
                "findings": _findings(suite),
                "stopped": _stopped(suite),
                "notes": [str(note) for note in suite.notes],
                "coverage": _coverage(suite.coverage) if suite.coverage else None,
            }
            for suite in run.suites
        ],
        "criteria": [_criterion(criterion) for criterion in run.criteria],
        "comparison": comparison_summary(run.comparison) if run.comparison else None,
    }


def _risk_counts(findings: list[FindingRef]) -> dict[str, int]:
    return {"total": len(findings), **{risk.value: sum(1 for f in findings if f.risk is risk) for risk in Risk}}


def comparison_summary(comparison: Comparison) -> dict[str, object]:
    """The comparison as summary.json carries it (also `harness history diff --json`)."""
    suites = []
    for suite in comparison.suites:
        dumped = suite.model_dump(mode="json")
        dumped["note"] = str(suite.note)
        dumped["metrics"] = [
            {**delta.model_dump(mode="json"), "change": delta.change, "relative": delta.relative}
            for delta in suite.metrics
        ]
        suites.append(dumped)
    return {
        "baseline": comparison.baseline,
        "new_findings": _risk_counts([f for s in comparison.suites for f in s.new]),
        "fixed_findings": _risk_counts([f for s in comparison.suites for f in s.fixed]),
        "suites": suites,
    }


class SummaryExporter:
    name: ClassVar[str] = "summary"
    needs_manifest: ClassVar[bool] = False

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        path = rundir.path / "summary.json"
        write_json_atomic(path, build_summary(run))
        return [path]


def _coverage(coverage: ScanCoverage) -> dict[str, object]:
    """The coverage as run.json has it, with each skipped item's reason as plain (English) text."""
    dumped = coverage.model_dump(mode="json")
    for field in ("rules_refused", "operations_skipped"):
        dumped[field] = [{"name": item.name, "reason": str(item.reason)} for item in getattr(coverage, field)]
    return dumped
