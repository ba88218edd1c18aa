"""The criteria a suite gets when its profile lists none — one table for every kind, run or imported.

| family   | kinds                                   | default                |
|----------|-----------------------------------------|------------------------|
| tests    | unit, integration, imported test results | ``pass_rate >= 100%``  |
| load     | performance, JTL / Locust CSV imports   | ``error_rate == 0%``   |
| security | security, ZAP / Nessus imports          | ``alerts.fail == 0``   |
| uat      | uat                                     | ``uat.pass_rate >= 100%`` |

Every default is strict on purpose: it applies when nobody agreed on a tolerance, and a signed report must
not accept failures nobody agreed to accept. A project with an agreed tolerance (``error_rate < 1%``) writes
it in the profile, and the report then shows that figure. ``alerts.fail`` counts findings the severity
policy or rule file sets to FAIL (critical and high by default, see :mod:`harness.results.severity`).
Documented in docs/criteria.md.
"""

from __future__ import annotations

from collections.abc import Set

DEFAULTS: dict[str, tuple[str, ...]] = {
    "tests": ("pass_rate >= 100%",),
    "load": ("error_rate == 0%",),
    "security": ("alerts.fail == 0",),
    "uat": ("uat.pass_rate >= 100%",),
}

FAMILIES: dict[str, str] = {
    "unit": "tests",
    "integration": "tests",
    "e2e": "tests",
    "system": "tests",
    "api": "tests",
    "performance": "load",
    "load": "load",
    "security": "security",
    "uat": "uat",
}

_METRIC_OF = {"tests": "pass_rate", "load": "error_rate", "security": "alerts.fail", "uat": "uat.pass_rate"}


def default_criteria(kind: str, metrics: Set[str] | None = None) -> tuple[str, ...]:
    """The defaults of suites of ``kind``; for a kind not in the table, of the family whose metric the
    suite produces (``metrics``: the names it will have). Empty when nothing fits."""
    family = FAMILIES.get(kind)
    if family is not None and (metrics is None or _METRIC_OF[family] in metrics):
        return DEFAULTS[family]
    for name, metric in _METRIC_OF.items():
        if metrics is not None and metric in metrics:
            return DEFAULTS[name]
    return ()
