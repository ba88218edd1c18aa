"""``format: nessus`` — Nessus ``.nessus`` v2 XML -> findings per host, port and plugin.

Streaming (lxml iterparse, each ``<ReportItem>`` freed once read) and defused: DTDs and entity
declarations are refused before parsing, entities are never resolved, nothing is fetched. Severity
0-4 maps to info, low, medium, high, critical; the fingerprint is plugin id + host + port/protocol.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from lxml import etree

from harness.errors import ImportFormatError
from harness.results.findings import ALERT_METRICS, alert_metrics, sort_findings
from harness.results.importers.prologue import check_prologue
from harness.results.importers.sources import DirectoryContents, collect, xml_roots
from harness.results.model import Finding, Instance, Risk, SuiteResult, SuiteStatus, ToolInfo

_SEVERITY = {"0": Risk.INFO, "1": Risk.LOW, "2": Risk.MEDIUM, "3": Risk.HIGH, "4": Risk.CRITICAL}
_MAX_TEXT = 8000


def _child_text(item: etree._Element, tag: str) -> str:
    found = item.find(tag)
    text = (found.text or "").strip() if found is not None else ""
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + " …"


def _cwe(item: etree._Element) -> int | None:
    for element in item.findall("cwe"):
        value = (element.text or "").strip().removeprefix("CWE-")
        if value.isdigit():
            return int(value)
    return None


def iter_nessus(path: Path) -> Iterator[Finding]:
    """One finding per ``<ReportItem>``, in file order.

    Raises:
        ImportFormatError: ``FILE:LINE: reason`` for malformed XML, a DTD, or a root that is not
            ``<NessusClientData_v2>``.
    """
    check_prologue(path, ("NessusClientData_v2",), "a Nessus v2 report")
    context = etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    host = ""
    root_seen = False
    try:
        for event, element in context:
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            if not root_seen:
                root_seen = True
                if tag != "NessusClientData_v2":
                    raise ImportFormatError(
                        f"{path}:{element.sourceline}: root element <{tag}> is not a .nessus v2 file "
                        "(expected <NessusClientData_v2>)"
                    )
            if tag == "ReportHost" and event == "start":
                host = element.get("name", "")
            elif tag == "ReportItem" and event == "end":
                yield _finding(element, host, path)
                element.clear()
                parent = element.getparent()
                while element.getprevious() is not None and parent is not None:
                    del parent[0]
            elif tag == "ReportHost" and event == "end":
                element.clear()
    except etree.XMLSyntaxError as exc:
        raise ImportFormatError(f"{path}:{exc.lineno or 0}: malformed XML: {exc.msg}") from None
    if not root_seen:
        raise ImportFormatError(f"{path}:1: empty file")


def _finding(item: etree._Element, host: str, path: Path) -> Finding:
    plugin = item.get("pluginID", "")
    if not plugin:
        raise ImportFormatError(f"{path}:{item.sourceline}: <ReportItem> without pluginID")
    severity = item.get("severity", "0")
    port = item.get("port", "0")
    protocol = item.get("protocol", "")
    service = item.get("svc_name", "")
    risk = _SEVERITY.get(severity)
    if risk is None:
        raise ImportFormatError(f"{path}:{item.sourceline}: severity {severity!r} is not 0-4")
    references = tuple(
        text
        for tag in ("see_also", "xref", "cve")
        for e in item.findall(tag)
        for text in (e.text or "").split()
        if text
    )
    key = f"nessus|{plugin}|{host}|{port}/{protocol}"
    return Finding(
        rule_id=plugin,
        name=item.get("pluginName", "") or _child_text(item, "plugin_name") or f"Nessus plugin {plugin}",
        risk=risk,
        cwe=_cwe(item),
        description=_child_text(item, "description") or _child_text(item, "synopsis"),
        solution=_child_text(item, "solution"),
        references=references[:50],
        instances=(
            Instance(
                url=f"{host}:{port}/{protocol}" + (f" ({service})" if service else ""),
                evidence=_child_text(item, "plugin_output")[:2000],
                other=_child_text(item, "synopsis")[:2000],
            ),
        ),
        fingerprint=hashlib.sha256(key.encode()).hexdigest()[:20],
        source="Nessus",
    )


class NessusImporter:
    format: ClassVar[str] = "nessus"
    default_kind: ClassVar[str] = "security"
    metric_names: ClassVar[frozenset[str]] = ALERT_METRICS
    default_criteria: ClassVar[tuple[str, ...]] = ()  # those of its results' kind
    contents: ClassVar[DirectoryContents] = DirectoryContents(("*.nessus",), xml_roots("NessusClientData_v2"))

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        paths, notes = collect(files, self.contents, "Nessus v2 (.nessus)")
        findings: list[Finding] = []
        for path in paths:
            findings.extend(iter_nessus(path))
        ordered = sort_findings(findings)
        return SuiteResult(
            name=suite,
            kind=kind,
            status=SuiteStatus.PASSED,
            tool=ToolInfo(name="Nessus"),
            findings=tuple(ordered),
            metrics=alert_metrics(ordered),
            notes=tuple(notes),
        )
