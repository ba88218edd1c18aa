"""Everything the ZAP runner changes in a daemon, made so that it can be taken back.

A ZAP daemon outlives the suite: rules, options and excludes the runner leaves behind apply to the next
scan, and replacer rules are stored in plain text in the daemon's ``config.xml``. So every change is
recorded with its undo (:class:`Changes`) and undone in reverse order when the suite ends — after a
scan, a failure or Ctrl-C. Replacer rules of an earlier run that was killed before it could clean up
are recognised by their ``harness-auth-`` description and removed before anything else.

Header auth reaches only the target's origin:

- replacer 11+ (ZAP 2.12+) takes a ``url`` regex: a rule limited to the target's origin, verified by
  reading the rule back;
- older daemons (ZAP 2.9.0, replacer 8) would send the header everywhere: the header is instead added
  by the harness's scope proxy (ZAP's upstream proxy) to plain-HTTP requests to the target's origin; for
  an HTTPS target, or without the scope proxy, the suite is refused with what to do.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.runners.security.zap_api import ZapApi, ZapError, ZapUnavailable

RULE_PREFIX = "harness-auth-"


@dataclass
class Changes:
    """Undo actions, newest last."""

    api: ZapApi
    undo: list[tuple[str, Callable[[], object]]] = field(default_factory=list)

    def add(self, what: str, action: Callable[[], object]) -> None:
        self.undo.append((what, action))

    def revert(self) -> list[str]:
        """Undo everything (newest first); the calls that failed, for the notes."""
        failed: list[str] = []
        while self.undo:
            what, action = self.undo.pop()
            try:
                self.api.call(what, action)
            except (ZapError, ZapUnavailable) as exc:
                failed.append(f"{what}: {exc}")
        return failed


def run_token() -> str:
    return secrets.token_hex(4)


def version_tuple(version: str) -> tuple[int, ...] | None:
    """``"2.9.0"`` -> (2, 9, 0); None for weekly/dev builds ("D-2024-01-02", "Dev Build")."""
    match = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?$", version.strip())
    return tuple(int(part or 0) for part in match.groups()) if match else None


def replacer_has_url(version: str) -> bool | None:
    """True/False when the version tells (replacer 11 came with 2.12), None when it must be tried."""
    parsed = version_tuple(version)
    if parsed is None:
        return None
    return parsed >= (2, 12, 0)


def rule_scoped(rules: object, description: str, url_regex: str) -> bool:
    """Whether ``replacer/view/rules`` shows our rule with its ``url`` kept (replacer 11+)."""
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and rule.get("description") == description:
            return str(rule.get("url", "")) == url_regex
    return False


def stale_rules(rules: object) -> list[str]:
    """Descriptions of auth rules left by an earlier run that could not clean up."""
    found: list[str] = []
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and str(rule.get("description", "")).startswith(RULE_PREFIX):
            found.append(str(rule["description"]))
    return found


def as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return []
