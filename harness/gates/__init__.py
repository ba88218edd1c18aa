"""The gate: acceptance criteria parsed from the profile, evaluated against results, decided as a verdict."""

from harness.gates.evaluate import MetricMissing, Resolver, decide_verdict, evaluate, suite_resolver
from harness.gates.syntax import Criterion, CriterionSyntaxError, Reference, parse_criterion

__all__ = [
    "Criterion",
    "CriterionSyntaxError",
    "MetricMissing",
    "Reference",
    "Resolver",
    "decide_verdict",
    "evaluate",
    "parse_criterion",
    "suite_resolver",
]
