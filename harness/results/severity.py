"""The severity policy: what a finding does to the gate when no rule names it.

Every security suite, scanned or imported, judges findings this way unless the profile or a rule file says
otherwise, like the gates users know from CI scanners: critical and high FAIL, medium WARN, low and info
INFO. The suite option ``fail_on`` moves the threshold; a rule file or ``rules:`` mapping still sets the
action of single rules (as zap-baseline's ``-c`` file does), and ``default_action`` gives every unlisted
rule one action whatever its risk (the zap-baseline way).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from harness.results.model import Risk, RuleAction

FailOn = Literal["critical", "high", "medium", "low", "never"]
DEFAULT_FAIL_ON: FailOn = "high"

_ORDER: tuple[Risk, ...] = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.INFO)


def severity_actions(fail_on: FailOn = DEFAULT_FAIL_ON) -> dict[Risk, RuleAction]:
    """The action of each risk: FAIL from ``fail_on`` up; below it WARN for medium and above, else INFO.

    ``never`` fails nothing: the findings are still reported (critical to medium as WARN).
    """
    threshold = -1 if fail_on == "never" else _ORDER.index(Risk(fail_on))
    actions: dict[Risk, RuleAction] = {}
    for index, risk in enumerate(_ORDER):
        if index <= threshold:
            actions[risk] = RuleAction.FAIL
        elif index <= _ORDER.index(Risk.MEDIUM):
            actions[risk] = RuleAction.WARN
        else:
            actions[risk] = RuleAction.INFO
    return actions


def describe_actions(actions: Mapping[Risk, RuleAction]) -> str:
    """``FAIL critical, high · WARN medium · INFO low, info`` (the order of the actions' severity)."""
    parts = []
    for action in (RuleAction.FAIL, RuleAction.WARN, RuleAction.INFO, RuleAction.IGNORE):
        risks = [risk.value for risk in _ORDER if actions.get(risk) is action]
        if risks:
            parts.append(f"{action.value} {', '.join(risks)}")
    return " · ".join(parts)


def describe_policy(fail_on: FailOn, default_action: RuleAction | None, overrides: list[str]) -> str:
    """One line for ``harness validate``: how unlisted rules are judged, and what overrides single rules.

    ``findings: FAIL critical, high · WARN medium · INFO low, info (fail_on: high); per-rule actions from
    rules_file security-rules.tsv``
    """
    if default_action is not None:
        line = f"findings: {default_action.value} for every rule not listed (default_action)"
    else:
        line = f"findings: {describe_actions(severity_actions(fail_on))} (fail_on: {fail_on})"
    return line + (f"; per-rule actions from {' and '.join(overrides)}" if overrides else "")
