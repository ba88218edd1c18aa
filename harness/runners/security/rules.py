"""Rule configuration compatible with zap-baseline's ``-c`` file, and the same as a profile mapping.

File format (one rule a line, tab-separated; ``#`` starts a comment)::

    10020<TAB>FAIL<TAB>(X-Frame-Options Header Not Set)
    10038<TAB>IGNORE<TAB>(Content Security Policy (CSP) Header Not Set)
    10096<TAB>OUTOFSCOPE<TAB>.*/static/.*
    *<TAB>OUTOFSCOPE<TAB>.*/logout.*

IGNORE drops a rule from the gate (the finding stays in the evidence, marked IGNORE), INFO and WARN
report it without failing, FAIL counts it in ``alerts.fail``. OUTOFSCOPE takes a URL regex in the third
column: instances whose URL matches it are dropped (``*`` = every rule; ids may be comma-separated),
exactly as zap-baseline does. Rules not listed get the action of their finding's risk from the severity
policy (:mod:`harness.results.severity`: critical and high FAIL, medium WARN, low and info INFO), unless a
single ``default_action`` is given for every unlisted rule, as zap-baseline's WARN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ProfileError, ProfileIssue
from harness.results.model import Finding, Risk, RuleAction
from harness.results.severity import severity_actions

OUT_OF_SCOPE = "OUTOFSCOPE"
ACTIONS = ("IGNORE", "INFO", "WARN", "FAIL", OUT_OF_SCOPE)


Defaults = RuleAction | Mapping[Risk, RuleAction]
"""What unlisted rules get: one action for all, or an action per risk (the severity policy)."""


def _per_risk(defaults: Defaults) -> dict[Risk, RuleAction]:
    if isinstance(defaults, RuleAction):
        return dict.fromkeys(Risk, defaults)
    return {risk: defaults.get(risk, RuleAction.WARN) for risk in Risk}


@dataclass(frozen=True)
class RuleConfig:
    actions: Mapping[str, RuleAction] = field(default_factory=dict)
    out_of_scope: Mapping[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    defaults: Mapping[Risk, RuleAction] = field(default_factory=severity_actions)

    def action_for(self, rule_id: str, risk: Risk = Risk.INFO) -> RuleAction:
        """The rule's listed action, else the default for a finding of ``risk``."""
        listed = self.actions.get(rule_id)
        return listed if listed is not None else self.defaults.get(risk, RuleAction.WARN)

    def url_out_of_scope(self, rule_id: str, url: str) -> bool:
        patterns = (*self.out_of_scope.get(rule_id, ()), *self.out_of_scope.get("*", ()))
        return any(pattern.search(url) for pattern in patterns)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Findings with their action set and out-of-scope instances removed (findings left with no
        instance are dropped, as zap-baseline drops such alerts)."""
        result = []
        for finding in findings:
            kept = tuple(i for i in finding.instances if not self.url_out_of_scope(finding.rule_id, i.url))
            if finding.instances and not kept:
                continue
            action = self.action_for(finding.rule_id, finding.risk)
            result.append(finding.model_copy(update={"instances": kept, "action": action}))
        return result

    def merged(self, other: RuleConfig) -> RuleConfig:
        """This configuration with ``other`` on top (the profile mapping wins over the file)."""
        patterns = {key: tuple(value) for key, value in self.out_of_scope.items()}
        for key, value in other.out_of_scope.items():
            patterns[key] = (*patterns.get(key, ()), *value)
        return RuleConfig({**self.actions, **other.actions}, patterns, other.defaults)


def _compile(regex: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(regex)
    except re.error as exc:
        raise ValueError(f"{where}: invalid OUTOFSCOPE regex {regex!r}: {exc}") from None


def parse_rules_file(path: Path, defaults: Defaults | None = None) -> RuleConfig:
    """Read a zap-baseline ``-c`` rule file.

    Raises:
        ProfileError: FILE:LINE for an unreadable file, a line without a tab-separated action, an unknown
            action or a bad OUTOFSCOPE regex.
    """
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError([ProfileIssue(str(path), None, "", f"cannot read the rule file: {exc}")]) from None
    actions: dict[str, RuleAction] = {}
    patterns: dict[str, list[re.Pattern[str]]] = {}
    issues = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t", 2)
        if len(columns) < 2:
            issues.append(ProfileIssue(str(path), number, "", "expected '<rule id><TAB><action><TAB>(<name>)'"))
            continue
        rule_ids = [r.strip() for r in columns[0].split(",") if r.strip()]
        action = columns[1].strip().upper()
        if not rule_ids or action not in ACTIONS:
            issues.append(
                ProfileIssue(
                    str(path), number, "", f"unknown action {columns[1].strip()!r}; use one of {', '.join(ACTIONS)}"
                )
            )
            continue
        if action == OUT_OF_SCOPE:
            regex = columns[2].split("\t")[0].strip() if len(columns) > 2 else ""
            if not regex:
                issues.append(ProfileIssue(str(path), number, "", "OUTOFSCOPE needs a URL regex in the third column"))
                continue
            try:
                compiled = _compile(regex, f"line {number}")
            except ValueError as exc:
                issues.append(ProfileIssue(str(path), number, "", str(exc).split(": ", 1)[1]))
                continue
            for rule_id in rule_ids:
                patterns.setdefault(rule_id, []).append(compiled)
        else:
            for rule_id in rule_ids:
                actions[rule_id] = RuleAction(action)
    if issues:
        raise ProfileError(issues)
    return RuleConfig(actions, {k: tuple(v) for k, v in patterns.items()}, _per_risk(defaults or severity_actions()))


def from_mapping(
    rules: Mapping[str, str], out_of_scope: Mapping[str, list[str]], defaults: Defaults | None = None
) -> RuleConfig:
    """The profile form: ``rules: {"10020": FAIL}`` and ``out_of_scope: {"*": [".*/logout.*"]}``.

    Raises:
        ValueError: an unknown action or a bad regex (the options model reports it at its line).
    """
    actions: dict[str, RuleAction] = {}
    for rule_id, action in rules.items():
        word = str(action).upper()
        if word not in ACTIONS or word == OUT_OF_SCOPE:
            raise ValueError(f"rule {rule_id}: unknown action {action!r}; use IGNORE, INFO, WARN or FAIL")
        actions[str(rule_id)] = RuleAction(word)
    patterns = {
        str(rule_id): tuple(_compile(regex, f"out_of_scope {rule_id}") for regex in regexes)
        for rule_id, regexes in out_of_scope.items()
    }
    return RuleConfig(actions, patterns, _per_risk(defaults or severity_actions()))


HEADER = """\
# Rule configuration for acceptance-harness security suites (zap-baseline -c format).
# One rule a line: <rule id><TAB><action><TAB>(<name>)
# Actions: FAIL fails the gate (alerts.fail), WARN and INFO are reported only, IGNORE is not counted.
# Rules not listed get the action of their risk (fail_on: critical and high FAIL, medium WARN, low/info INFO);
# a rule listed here overrides that for every finding of it: delete the lines of rules to judge by risk.
# Drop findings at some URLs: <rule id or *><TAB>OUTOFSCOPE<TAB><URL regex>
# Only the rule id and the action are read; the name is for people.
"""


def generate_rules_file(rules: Iterable[tuple[str, str]], action: RuleAction = RuleAction.WARN) -> str:
    """A default rule file listing ``(id, name)`` pairs with ``action``, sorted by id, as ``-g`` does."""
    unique = {rule_id: name for rule_id, name in rules}
    ordered = sorted(unique.items(), key=lambda item: (int(item[0]) if item[0].isdigit() else 1 << 62, item[0]))
    lines = [f"{rule_id}\t{action.value}\t({name})" for rule_id, name in ordered]
    return HEADER + "\n".join(lines) + ("\n" if lines else "")
