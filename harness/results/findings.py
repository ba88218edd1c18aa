"""Scanner alerts -> :class:`Finding`: grouping, stable fingerprints and the ``alerts.*`` metrics.

A finding is one rule at one place: plugin id + HTTP method + URL path with ids templated + parameter.
That key is also the fingerprint, so the same weakness found on ``/api/applications/17`` today and on
``/api/applications/42`` tomorrow is the same finding, and a later run can tell new from fixed ones.
The concrete URLs it was seen at are its instances.

What :class:`FindingSet` does with what engines and reports say (live scans and imports alike):

- **Deduplication.** An instance identical in every field (URL, method, parameter, attack, evidence,
  other info, request) to one the finding already has is kept once; engines repeat them (ZAP raises the
  same passive alert for a page fetched by the spider and by the active scan). At most
  :data:`MAX_INSTANCES` instances are kept per finding. ``Finding.occurrences`` keeps the raw count: every
  instance the engine reported, before deduplication and the cap, and ``alerts.instances`` adds those up.
- **False positives.** An alert whose confidence is "False Positive" (ZAP confidence 0, set by a reviewer
  or an alert filter) is not a finding: it goes to :meth:`FindingSet.false_positives` (a suite's
  ``false_positives``), shown in the report, never counted. So is an alert a report lists with count 0
  and no instances: ZAP writes that for an alert whose every instance was marked false positive.
- **Alerts without instances** (count unknown or above 0) are findings with no instances; an instance is
  never made up (not even at the site's URL). Their fingerprint uses the site's path.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

from harness.results.model import Finding, Instance, Risk, RuleAction

MAX_INSTANCES = 25  # per finding: enough evidence for a reader, bounded for the report and run.json
MAX_TEXT = 8000
FALSE_POSITIVE = "False Positive"

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


def is_false_positive(rule: RuleInfo) -> bool:
    """True for an alert marked false positive (ZAP confidence 0, "False Positive")."""
    return rule.confidence.strip().replace(" ", "").lower() in ("falsepositive", "0")


@dataclass
class _Group:
    """One fingerprint's rule, kept instances and raw instance count."""

    rule: RuleInfo
    instances: list[Instance] = field(default_factory=list)
    occurrences: int = 0


@dataclass
class FindingSet:
    """Collects observations and merges them into findings by fingerprint, in first-seen order; alerts
    marked false positive are kept apart (see the module's docstring)."""

    source: str
    _groups: dict[str, _Group] = field(default_factory=dict)
    _false: dict[str, _Group] = field(default_factory=dict)
    observations: int = 0  # every add() and add_alert() instance, false positives included

    def add(self, rule: RuleInfo, instance: Instance) -> None:
        """One instance of ``rule`` as the engine reported it."""
        self.observations += 1
        group = self._group(rule, fingerprint(rule.rule_id, instance.method, instance.url, instance.param))
        group.occurrences += 1
        if len(group.instances) < MAX_INSTANCES and instance not in group.instances:
            group.instances.append(instance)

    def add_alert(
        self, rule: RuleInfo, instances: Sequence[Instance], *, site: str = "", count: int | None = None
    ) -> None:
        """An alert as a report lists it: its instances, and the instance count the report declares.

        Without instances: count 0 is a false positive; otherwise a finding without instances (fingerprint
        from ``site``) whose occurrences are ``count`` (0: unknown).
        """
        for instance in instances:
            self.add(rule, instance)
        if instances:
            return
        self.observations += 1
        print_ = fingerprint(rule.rule_id, "", site, "")
        if count == 0:
            self._false.setdefault(print_, _Group(rule))
            return
        self._group(rule, print_).occurrences += count or 0

    def _group(self, rule: RuleInfo, print_: str) -> _Group:
        groups = self._false if is_false_positive(rule) else self._groups
        return groups.setdefault(print_, _Group(rule))

    def findings(self) -> list[Finding]:
        return self._findings(self._groups)

    def false_positives(self) -> list[Finding]:
        """Alerts marked false positive: for the report, never for the metrics."""
        return [f.model_copy(update={"action": RuleAction.IGNORE}) for f in self._findings(self._false)]

    def _findings(self, groups: Mapping[str, _Group]) -> list[Finding]:
        # RuleInfo's fields are exactly Finding's rule-level fields (tuples and scalars: a shallow copy).
        return [
            Finding(
                **{f.name: getattr(group.rule, f.name) for f in fields(group.rule)},
                instances=tuple(group.instances),
                fingerprint=print_,
                source=self.source,
                occurrences=group.occurrences,
            )
            for print_, group in groups.items()
        ]

    def __len__(self) -> int:
        return len(self._groups)


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
    ``alerts.instances`` is the raw instance count (``occurrences``; the kept instances, at least one, when
    unknown). False positives are not findings and so never count.
    """
    metrics: dict[str, float] = dict.fromkeys(sorted(ALERT_METRICS), 0.0)
    for finding in findings:
        if finding.action is RuleAction.IGNORE:
            metrics["alerts.ignored"] += 1
            continue
        metrics[f"alerts.{finding.risk.value}"] += 1
        metrics["alerts.total"] += 1
        metrics["alerts.instances"] += finding.occurrences or max(len(finding.instances), 1)
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
