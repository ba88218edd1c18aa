"""Metric names, their dimensions, and the metrics every test-case suite derives from its cases.

A metric's dimension decides which units a criterion may use with it (``p95 < 500ms`` but not
``p95 < 500``) and how reports format it. Dimensions follow from the name, so a new runner's metrics get
the right treatment without registering anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from harness.results.model import CaseStatus, SuiteResult, TestCase


class Dimension(StrEnum):
    TIME = "time"  # seconds
    RATIO = "ratio"  # fraction, 0.01 == 1 %
    RATE = "rate"  # per second
    COUNT = "count"  # plain number


_TIME = re.compile(r"^(p\d{1,2}(\.\d+)?|avg|average|mean|min|max|median)$|(^|_)(duration|time|latency)$")
_RATIO = re.compile(r"(^|_)(rate|ratio|coverage)$")
_RATE = re.compile(r"(^|_)rps$|_per_s$")


def dimension_of(name: str) -> Dimension:
    """The dimension of a metric, from the last segment of its (possibly dotted) name."""
    leaf = name.rsplit(".", 1)[-1]
    if _RATE.search(leaf):
        return Dimension.RATE
    if _RATIO.search(leaf):
        return Dimension.RATIO
    if _TIME.search(leaf):
        return Dimension.TIME
    return Dimension.COUNT


def format_value(value: float | None, dimension: Dimension) -> str:
    """Human formatting: ``0.1234`` seconds -> ``123 ms``, ratio ``0.995`` -> ``99.5 %``."""
    if value is None:
        return "—"
    if dimension is Dimension.TIME:
        if abs(value) < 1:
            return f"{value * 1000:.0f} ms" if abs(value) >= 0.01 else f"{value * 1000:.1f} ms"
        return f"{value:.2f} s"
    if dimension is Dimension.RATIO:
        return f"{value * 100:.4g} %"
    if dimension is Dimension.RATE:
        return f"{value:.1f}/s"
    if value == int(value):
        return str(int(value))
    return f"{value:.4g}"


def format_metric(name: str, value: float | None) -> str:
    return format_value(value, dimension_of(name))


def case_metrics(cases: Iterable[TestCase]) -> dict[str, float]:
    """Counts, pass rate and duration of a suite made of test cases.

    ``pass_rate`` is passed / (all - skipped); a suite whose every case was skipped has no pass rate
    rather than a misleading 0 % or 100 %.
    """
    counts = dict.fromkeys(CaseStatus, 0)
    duration = 0.0
    for case in cases:
        counts[case.status] += 1
        duration += case.duration
    total = sum(counts.values())
    metrics: dict[str, float] = {
        "tests": total,
        "passed": counts[CaseStatus.PASSED],
        "failed": counts[CaseStatus.FAILED],
        "errors": counts[CaseStatus.ERROR],
        "skipped": counts[CaseStatus.SKIPPED],
        "tests_duration": duration,
    }
    ran = total - counts[CaseStatus.SKIPPED]
    if ran:
        metrics["pass_rate"] = counts[CaseStatus.PASSED] / ran
    return metrics


CASE_METRICS: frozenset[str] = frozenset(
    {"tests", "passed", "failed", "errors", "skipped", "tests_duration", "pass_rate", "duration"}
)
"""Metrics every test-case suite produces (``duration`` is wall-clock time, added by the pipeline)."""


SCAN_METRICS: frozenset[str] = frozenset(
    {"scan.urls", "scan.urls_scanned", "scan.requests", "scan.rules", "scan.operations", "scan.operations_scanned"}
)
"""What a security scan covered (from ``SuiteResult.coverage``), for criteria such as ``scan.urls >= 20``."""

MONOTONIC: frozenset[str] = frozenset(
    {"tests", "passed", "failed", "errors", "skipped", "duration", "tests_duration"}
    | {"requests", "failures", "exceptions"}
    | {"alerts.critical", "alerts.high", "alerts.medium", "alerts.low", "alerts.info"}
    | {"alerts.fail", "alerts.warn", "alerts.total", "alerts.ignored", "alerts.instances"}
    | SCAN_METRICS
    | {"uat.passed", "uat.failed", "uat.blocked", "uat.invalid", "uat.checks", "uat.checks_failed"}
)
"""Metrics that only grow while a suite runs (counts of tests, requests, failures, findings, time spent).

A suite cut short has measured less of them than it would have at its end, so a criterion that such a
value already breaks in the growing direction (``alerts.fail == 0`` with 2 found) is broken for good: see
:mod:`harness.gates.finality`. Rates, ratios and percentiles are not here: more data can move them either way.
"""

STICKY: dict[str, tuple[str, float]] = {"pass_rate": ("<", 1.0), "uat.pass_rate": ("<", 1.0), "error_rate": (">", 0.0)}
"""Ratios that, once on one side of a bound, stay there however the suite goes on: a pass rate below 100 %
cannot climb back (a failed test stays failed), an error rate above 0 cannot return to 0."""


# The figures that say most about a suite, in order; a suite shows those it has.
_HEADLINE = (
    "requests", "rps", "p95", "error_rate",
    "alerts.critical", "alerts.high", "alerts.medium", "alerts.fail",
    "uat.passed", "uat.failed", "uat.blocked", "uat.pending",
    "parallel.requests", "parallel.mismatches", "data.mismatched_tables",
    "canary.score", "canary.failed_metrics",
    "coverage",
)  # fmt: skip
_SLI_COUNTS = ("sli.measured", "sli.unmeasured")
_ALWAYS = ("alerts.critical", "alerts.high")  # a security suite's headline never leaves these out


def headline(suite: SuiteResult) -> str:
    """One line on what a suite found: test counts, or its most telling metrics; then its error, if any.

    A security suite always shows its critical and high findings (zero included), whatever else it has.
    """
    metrics = suite.metrics
    if "tests" in metrics:
        parts = [f"{int(metrics['tests'])} tests"]
        parts += [f"{int(metrics[k])} {k}" for k in ("failed", "errors", "skipped") if metrics.get(k)]
        if "coverage" in metrics:
            parts.append(f"coverage {format_metric('coverage', metrics['coverage'])}")
    else:
        names = [name for name in _HEADLINE if name in metrics][:5]
        names += [name for name in _ALWAYS if name in metrics and name not in names]
        parts = [f"{name} {format_metric(name, metrics[name])}" for name in _HEADLINE if name in names]
        if not parts:  # a monitoring suite: its SLIs
            slis = [name for name in sorted(metrics) if name.startswith("sli.") and name not in _SLI_COUNTS][:4]
            parts = [f"{name} {format_metric(name, metrics[name])}" for name in slis]
    text = ", ".join(parts)
    if suite.error:
        first = suite.error.splitlines()[0]
        text = f"{text} — {first}" if text else first
    return text
