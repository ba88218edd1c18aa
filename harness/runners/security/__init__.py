"""``kind: security`` — a web security scan of the target with OWASP ZAP or wapiti (DESIGN §4 "zap").

The runner resolves and scope-checks everything first (start URL, OpenAPI document, auth header,
rule configuration), picks the engine (``auto``: ZAP when one is configured or installed, else wapiti),
lets it scan, then applies the rule configuration and derives the ``alerts.*`` metrics. The default
criterion is ``alerts.fail == 0``: findings at FAIL decide the gate — by their risk (``fail_on``, critical and
high by default, harness/results/severity.py) unless the rule configuration names the rule, as in
zap-baseline.
"""

from __future__ import annotations

from harness.results.metrics import SCAN_METRICS
from harness.runners.security.coverage import coverage_metrics, coverage_problem
from harness.runners.security.options import SecurityOptions
from harness.runners.security.runner import SecurityRunner, load_engines, rule_config
from harness.runners.security.scan_plan import excluded_operations, scan_plan

__all__ = [
    "SCAN_METRICS",
    "SecurityOptions",
    "SecurityRunner",
    "coverage_metrics",
    "coverage_problem",
    "excluded_operations",
    "load_engines",
    "rule_config",
    "scan_plan",
]
