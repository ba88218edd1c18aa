"""Scanner alerts -> :class:`Finding`: grouping, stable fingerprints and the ``alerts.*`` metrics.

A finding is one rule at one place: plugin id + HTTP method + URL path with ids templated + parameter.
That key is also the fingerprint, so the same weakness found on ``/api/applications/17`` today and on
``/api/applications/42`` tomorrow is the same finding, and a later run can tell new from fixed ones.
The concrete URLs it was seen at are its instances.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

from harness.results.model import Finding, Instance, Risk, RuleAction

MAX_INSTANCES = 25  # per finding: enough evidence for a reader, bounded for the report and run.json
MAX_TEXT = 8000

# ZAP writes risk as a word in the API ("Informational") and as a code in reports ("0".."3").
_RISK_WORDS = {
    "critical": Risk.CRITICAL,
    "high": Risk.HIGH,
    "medium": Risk.MEDIUM,
    "low": Risk.LOW,
    "informational": Risk.INFO,
    "info": Risk.INFO,
}
_ZAP_RISK_CODES = {"3": Risk.HIGH, "2": Risk.MEDIUM, "1": Risk.LOW, "0": Risk.INFO}
_ZAP_CONFIDENCE_CODES = {"0": "False Positive", "1": "Low", "2": "Medium", "3": "High", "4": "Confirmed"}

_ID_SEGMENT = re.compile(
    r"^(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}"
    r"|[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*\d[A-Za-z0-9_-]{18,})$"
)
_TAG = re.compile(r"<[^>]+>")


def risk_from(value: str) -> Risk:
    """A risk from a ZAP word ("Medium", "Informational") or report code ("2"); unknown -> info."""
    text = value.strip()
    return _ZAP_RISK_CODES.get(text) or _RISK_WORDS.get(text.lower(), Risk.INFO)


def confidence_from(value: str) -> str:
    text = value.strip()
    return _ZAP_CONFIDENCE_CODES.get(text, text)


def templated_path(url: str) -> str:
    """The URL's path with id-like segments (numbers, UUIDs, long hex or tokens) replaced by ``{id}``."""
    path = urlsplit(url).path or "/"
    return "/".join("{id}" if _ID_SEGMENT.match(segment) else segment for segment in path.split("/"))


def fingerprint(rule_id: str, method: str, url: str, param: str) -> str:
    key = "|".join((rule_id, method.upper(), templated_path(url), param))
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def plain_text(value: str) -> str:
    """Report HTML (``<p>...</p>``) to plain text with paragraphs as line breaks, bounded in length."""
    text = value.replace("</p><p>", "\n").replace("<br>", "\n").replace("<br/>", "\n")
    text = html.unescape(_TAG.sub("", text)).strip()
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " …"


def _int_or_none(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None


@dataclass(frozen=True)
class RuleInfo:
    """What every instance of one rule shares."""

    rule_id: str
    name: str
    risk: Risk
    confidence: str = ""
    cwe: int | None = None
    wasc: int | None = None
    description: str = ""
    solution: str = ""
    references: tuple[str, ...] = ()


@dataclass
class FindingSet:
    """Collects observations and merges them into findings by fingerprint, in first-seen order."""

    source: str
    _meta: dict[str, RuleInfo] = field(default_factory=dict)
    _instances: dict[str, list[Instance]] = field(default_factory=dict)
    _keys: dict[str, str] = field(default_factory=dict)  # fingerprint -> rule id
    observations: int = 0

    def add(self, rule: RuleInfo, instance: Instance) -> None:
        self.observations += 1
        print_ = fingerprint(rule.rule_id, instance.method, instance.url, instance.param)
        if print_ not in self._meta:
            self._meta[print_] = rule
            self._instances[print_] = []
        instances = self._instances[print_]
        if len(instances) < MAX_INSTANCES and instance not in instances:
            instances.append(instance)

    def findings(self) -> list[Finding]:
        # RuleInfo's fields are exactly Finding's rule-level fields (tuples and scalars: a shallow copy).
        return [
            Finding(
                **{f.name: getattr(rule, f.name) for f in fields(rule)},
                instances=tuple(self._instances[print_]),
                fingerprint=print_,
                source=self.source,
            )
            for print_, rule in self._meta.items()
        ]

    def __len__(self) -> int:
        return len(self._meta)


def zap_api_alert(alert: Mapping[str, object]) -> tuple[RuleInfo, Instance]:
    """One alert as ZAP's API returns it (``core/view/alerts``): every value a string.

    Works with 2.9's fields and with the ones later versions add (alertRef, inputVector, tags, ...).
    """

    def get(key: str) -> str:
        value = alert.get(key, "")
        return value if isinstance(value, str) else str(value)

    references = tuple(line.strip() for line in get("reference").splitlines() if line.strip())
    rule = RuleInfo(
        rule_id=get("pluginId") or get("alertRef"),
        name=get("alert") or get("name"),
        risk=risk_from(get("risk")),
        confidence=confidence_from(get("confidence")),
        cwe=_int_or_none(get("cweid")),
        wasc=_int_or_none(get("wascid")),
        description=plain_text(get("description")),
        solution=plain_text(get("solution")),
        references=references,
    )
    instance = Instance(
        url=get("url"),
        method=get("method"),
        param=get("param"),
        attack=get("attack"),
        evidence=get("evidence")[:2000],
        other=plain_text(get("other"))[:2000],
    )
    return rule, instance


RISK_ORDER: tuple[Risk, ...] = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.INFO)

ALERT_METRICS: frozenset[str] = frozenset(
    {f"alerts.{risk.value}" for risk in RISK_ORDER}
    | {"alerts.fail", "alerts.warn", "alerts.total", "alerts.ignored", "alerts.instances"}
)


def alert_metrics(findings: Iterable[Finding]) -> dict[str, float]:
    """Counts per risk of the findings that count (not IGNOREd), plus FAIL/WARN counts.

    ``alerts.fail`` is what the rule configuration turned into a gate failure, as zap-baseline's FAIL.
    """
    metrics: dict[str, float] = dict.fromkeys(sorted(ALERT_METRICS), 0.0)
    for finding in findings:
        if finding.action is RuleAction.IGNORE:
            metrics["alerts.ignored"] += 1
            continue
        metrics[f"alerts.{finding.risk.value}"] += 1
        metrics["alerts.total"] += 1
        metrics["alerts.instances"] += max(len(finding.instances), 1)
        if finding.action is RuleAction.FAIL:
            metrics["alerts.fail"] += 1
        elif finding.action is RuleAction.WARN:
            metrics["alerts.warn"] += 1
    return metrics


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Highest risk first, then by rule id and fingerprint, so reports and diffs are stable."""
    rank = {risk: index for index, risk in enumerate(RISK_ORDER)}
    return sorted(findings, key=lambda f: (rank[f.risk], _numeric(f.rule_id), f.rule_id, f.fingerprint))


def _numeric(rule_id: str) -> int:
    return int(rule_id) if rule_id.isdigit() else 1 << 62
