"""``format: zap-json`` / ``zap-xml`` — ZAP's traditional reports (``-J`` / ``-x``, ZAP 2.7 to 2.16).

Both hold ``site`` -> ``alerts`` -> alert items with ``pluginid``, ``riskcode`` ("0".."3"), ``confidence``
("0".."4"), HTML ``desc`` / ``solution`` / ``reference``, and ``instances`` (``uri``, ``method``, ``param``,
``attack``, ``evidence``). Reports of ZAP before 2.9 were made by converting the XML, so a single site,
alert or instance may be an object instead of a one-element list; both shapes are read. Instances are
grouped into findings with the same fingerprint as live scans (see harness/results/findings.py), with the
same semantics: identical instances are kept once (``occurrences`` keeps the raw count), alerts marked
false positive (confidence 0, or count 0 without instances) go to the suite's ``false_positives`` and are
never counted, and an alert listed without instances gets none (never one made up at the site's URL).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from harness.errors import ImportFormatError
from harness.results.findings import (
    ALERT_METRICS,
    MAX_INSTANCES,
    FindingSet,
    RuleInfo,
    alert_metrics,
    confidence_from,
    plain_text,
    risk_from,
    sort_findings,
)
from harness.results.importers.prologue import check_prologue
from harness.results.importers.sources import DirectoryContents, collect, xml_roots
from harness.results.messages import message
from harness.results.model import Instance, Message, SuiteResult, SuiteStatus, ToolInfo


def _as_list(value: object) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _rule(item: Mapping[str, Any]) -> RuleInfo:
    def get(key: str) -> str:
        value = item.get(key, "")
        return "" if value is None else str(value)

    references = tuple(line for line in plain_text(get("reference")).splitlines() if line.strip())
    cwe, wasc = get("cweid"), get("wascid")
    return RuleInfo(
        rule_id=get("pluginid") or get("alertRef"),
        name=get("alert") or get("name"),
        risk=risk_from(get("riskcode")),
        confidence=confidence_from(get("confidence")),
        cwe=int(cwe) if cwe.isdigit() and int(cwe) > 0 else None,
        wasc=int(wasc) if wasc.isdigit() and int(wasc) > 0 else None,
        description=plain_text(get("desc")),
        solution=plain_text(get("solution")),
        references=references,
    )


def _instance(raw: Mapping[str, Any], other: str) -> Instance:
    def get(key: str) -> str:
        value = raw.get(key, "")
        return "" if value is None else str(value)

    return Instance(
        url=get("uri"),
        method=get("method"),
        param=get("param"),
        attack=get("attack"),
        evidence=get("evidence")[:2000],
        other=other[:2000],
    )


def _count(item: Mapping[str, Any]) -> int | None:
    """The instance count a report declares for an alert (None when absent or not a number)."""
    value = str(item.get("count", "") or "").strip()
    return int(value) if value.isdigit() else None


def _looks_like_zap_json(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    return b'"site"' in head or b'"@generated"' in head


def _version(report: Mapping[str, Any]) -> str:
    return str(report.get("@version", "") or report.get("version", ""))


class ZapJsonImporter:
    format: ClassVar[str] = "zap-json"
    default_kind: ClassVar[str] = "security"
    metric_names: ClassVar[frozenset[str]] = ALERT_METRICS
    default_criteria: ClassVar[tuple[str, ...]] = ()  # those of its results' kind
    contents: ClassVar[DirectoryContents] = DirectoryContents(("*.json",), _looks_like_zap_json)

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        paths, notes = collect(files, self.contents, "ZAP JSON report")
        findings = FindingSet(source="ZAP")
        versions = set()
        for path in paths:
            report = self._load(path)
            versions.add(_version(report))
            for site in _as_list(report.get("site")):
                if not isinstance(site, dict):
                    raise ImportFormatError(f"{path}:1: 'site' entries must be objects")
                for item in _as_list(site.get("alerts")):
                    if not isinstance(item, dict) or not (item.get("pluginid") or item.get("alertRef")):
                        raise ImportFormatError(f"{path}:1: an alert of site {site.get('@name', '')!r} has no pluginid")
                    rule = _rule(item)
                    other = plain_text(str(item.get("otherinfo", "") or ""))
                    instances = [
                        inner
                        for raw in _as_list(item.get("instances"))
                        for inner in (
                            _as_list(raw.get("instance")) if isinstance(raw, dict) and "instance" in raw else [raw]
                        )
                    ]  # XML-converted reports (before 2.9) nest {"instance": ...}
                    placed = [_instance(raw, other) for raw in instances if isinstance(raw, dict)]
                    findings.add_alert(rule, placed, site=str(site.get("@name", "")), count=_count(item))
        return _result(findings, suite, kind, versions, notes)

    @staticmethod
    def _load(path: Path) -> dict[str, Any]:
        try:
            with path.open("rb") as handle:
                report = json.load(handle)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"{path}:1: not UTF-8 text: {exc.reason}") from None
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
        if not isinstance(report, dict) or "site" not in report:
            raise ImportFormatError(f"{path}:1: not a ZAP JSON report (no 'site'; expected zap -J output)")
        return report


class ZapXmlImporter:
    format: ClassVar[str] = "zap-xml"
    default_kind: ClassVar[str] = "security"
    metric_names: ClassVar[frozenset[str]] = ALERT_METRICS
    default_criteria: ClassVar[tuple[str, ...]] = ()  # those of its results' kind
    contents: ClassVar[DirectoryContents] = DirectoryContents(("*.xml",), xml_roots("OWASPZAPReport"))

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        paths, notes = collect(files, self.contents, "ZAP XML report")
        findings = FindingSet(source="ZAP")
        versions = set()
        for path in paths:
            for version, site, item in self._items(path):
                versions.add(version)
                other = plain_text(item.get("otherinfo", ""))
                placed = [_instance(raw, other) for raw in item["instances"]]
                findings.add_alert(_rule(item), placed, site=site, count=_count(item))
        return _result(findings, suite, kind, versions, notes)

    @staticmethod
    def _items(path: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(report version, site name, alert item as a mapping) per ``<alertitem>``, streaming.

        Raises:
            ImportFormatError: malformed XML, a DTD, or a root that is not ``<OWASPZAPReport>``.
        """
        check_prologue(path, ("OWASPZAPReport",), "a ZAP XML report")
        context = etree.iterparse(
            str(path), events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
        )
        version = ""
        site = ""
        root_seen = False
        try:
            for event, element in context:
                if not isinstance(element.tag, str):
                    continue
                tag = element.tag
                if not root_seen:
                    root_seen = True
                    if tag != "OWASPZAPReport":
                        raise ImportFormatError(
                            f"{path}:{element.sourceline}: root element <{tag}> is not a ZAP XML report "
                            "(expected <OWASPZAPReport>, zap -x output)"
                        )
                    version = element.get("version", "")
                if event == "start" and tag == "site":
                    site = element.get("name", "")
                elif event == "end" and tag == "alertitem":
                    item: dict[str, Any] = {
                        child.tag: (child.text or "") for child in element if isinstance(child.tag, str)
                    }
                    item["instances"] = [
                        {field.tag: (field.text or "") for field in instance if isinstance(field.tag, str)}
                        for instance in element.iterfind("instances/instance")
                    ]
                    if not (item.get("pluginid") or item.get("alertRef")):
                        raise ImportFormatError(f"{path}:{element.sourceline}: <alertitem> without <pluginid>")
                    yield version, site, item
                    element.clear()
        except etree.XMLSyntaxError as exc:
            raise ImportFormatError(f"{path}:{exc.lineno or 0}: malformed XML: {exc.msg}") from None
        if not root_seen:
            raise ImportFormatError(f"{path}:1: empty file")


def _result(findings: FindingSet, suite: str, kind: str, versions: set[str], notes: list[Message]) -> SuiteResult:
    version = ", ".join(sorted(v for v in versions if v))
    source = f"ZAP {version}".strip()
    ordered = [f.model_copy(update={"source": source}) for f in sort_findings(findings.findings())]
    false = [f.model_copy(update={"source": source}) for f in sort_findings(findings.false_positives())]
    raw = sum(f.occurrences for f in ordered)
    kept = sum(len(f.instances) for f in ordered)
    if raw > kept:
        notes = [*notes, message("note.security.instances_capped", raw=raw, kept=kept, limit=MAX_INSTANCES)]
    if false:
        notes = [*notes, message("note.security.false_positives", count=len(false))]
    return SuiteResult(
        name=suite,
        kind=kind,
        status=SuiteStatus.PASSED,
        tool=ToolInfo(name="ZAP", version=version),
        findings=tuple(ordered),
        false_positives=tuple(false),
        metrics=alert_metrics(ordered),
        notes=tuple(notes),
    )
