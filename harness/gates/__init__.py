"""The gate: acceptance criteria parsed from the profile, evaluated against results, decided as a verdict."""

from harness.gates.evaluate import MetricMissing, Resolver, evaluate, is_partial, suite_resolver
from harness.gates.syntax import Criterion, CriterionSyntaxError, Reference, parse_criterion
from harness.gates.verdict import decide_verdict, judged_status, mark_judged

__all__ = [
    "Criterion",
    "CriterionSyntaxError",
    "MetricMissing",
    "Reference",
    "Resolver",
    "decide_verdict",
    "evaluate",
    "is_partial",
    "judged_status",
    "mark_judged",
    "parse_criterion",
    "suite_resolver",
]
