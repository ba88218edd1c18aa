"""The criteria language: what a profile may write under ``criteria`` and what it means.

Syntax (``syntax.py``: an AST, never ``eval``), the values names resolve to (``measure.py``), the names a
suite can answer (``names.py``: metrics, ``baseline.*``, ``findings.*``), ``for`` windows watched live or
replayed (``window.py``) and the criteria a suite gets when it lists none (``defaults.py``).

This package sits below the runners (a runner watches a window live, declares its defaults from the
table) and above the result model; judging outcomes and the verdict are :mod:`harness.gates`.
"""

from harness.criteria.measure import MetricMissing, Resolver, measure, suite_resolver
from harness.criteria.syntax import Criterion, CriterionSyntaxError, Reference, parse_criterion

__all__ = [
    "Criterion",
    "CriterionSyntaxError",
    "MetricMissing",
    "Reference",
    "Resolver",
    "measure",
    "parse_criterion",
    "suite_resolver",
]
