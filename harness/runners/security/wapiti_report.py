"""wapiti's JSON report -> findings.

Risk mapping (wapiti's levels, from ``wapitiCore.language.vulnerability``):
``4`` critical, ``3`` high, ``2`` medium, ``1`` low, ``0`` info — for vulnerabilities, anomalies and
additional findings alike — except wapp's version disclosures ("Fingerprint web server" / "Fingerprint
web application framework"), which wapiti files at level 0 and the harness rates low, as ZAP rates
the same disclosure in Server / X-Powered-By headers (10036, 10037), with a remedy in place of
wapiti's "only for informational purposes". The rule id is ``wapiti:<category slug>`` (wapiti has no
numeric plugin ids), the CWE comes from the category's references.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from harness.errors import RunnerSetupError
from harness.results.findings import RuleInfo
from harness.results.messages import message
from harness.results.model import Instance, Risk
from harness.runners.security.engine import ScanOutcome

_LEVELS = {4: Risk.CRITICAL, 3: Risk.HIGH, 2: Risk.MEDIUM, 1: Risk.LOW, 0: Risk.INFO}
_SECTIONS = ("vulnerabilities", "anomalies", "additionals")
_CWE = re.compile(r"^CWE-(\d+)")
_VERSION_DISCLOSURES = {"Fingerprint web server", "Fingerprint web application framework"}
# wapiti's solution for these is "only for informational purposes"; rated low, they need a remedy
_DISCLOSURE_SOLUTION = (
    "Do not announce software names and versions: remove or make generic the Server, X-Powered-By and "
    "X-AspNet-Version headers and the version shown on error pages (web server, application server and "
    "framework settings), and keep the software patched."
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_report(path: Path, outcome: ScanOutcome) -> None:
    """Add the findings of a wapiti JSON report to ``outcome``.

    Raises:
        RunnerSetupError: the report is not wapiti JSON.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunnerSetupError(message("setup.wapiti.bad_report", path=str(path), detail=str(exc))) from None
    if not isinstance(data, dict) or not isinstance(data.get("classifications"), dict):
        raise RunnerSetupError(message("setup.wapiti.no_classifications", path=str(path)))
    classifications: dict[str, Any] = data["classifications"]
    base = str(data.get("infos", {}).get("target", "")).rstrip("/")
    for section in _SECTIONS:
        for category, entries in (data.get(section) or {}).items():
            for entry in entries or []:
                if isinstance(entry, dict):
                    rule, instance = _observation(category, classifications.get(category, {}), entry, base)
                    outcome.findings.add(rule, instance)


def _observation(category: str, info: dict[str, Any], entry: dict[str, Any], base: str) -> tuple[RuleInfo, Instance]:
    references = info.get("ref") or {}
    cwe = next((int(m.group(1)) for title in references if (m := _CWE.match(str(title)))), None)
    level = entry.get("level", 0)
    risk = _LEVELS.get(level if isinstance(level, int) else 0, Risk.INFO)
    disclosure = category in _VERSION_DISCLOSURES
    rule = RuleInfo(
        rule_id=f"wapiti:{_slug(category)}",
        name=category,
        risk=Risk.LOW if disclosure and risk is Risk.INFO else risk,
        description=str(info.get("desc", "")),
        solution=_DISCLOSURE_SOLUTION if disclosure else str(info.get("sol", "")),
        references=tuple(str(url) for url in references.values()),
        cwe=cwe,
    )
    request = str(entry.get("http_request", ""))
    first_line = request.split("\n", 1)[0]
    sent = first_line.split(" ")[1] if first_line.count(" ") >= 2 else ""
    path = sent or str(entry.get("path", "")) or "/"  # the request target keeps the query with the payload
    parameter = str(entry.get("parameter", ""))
    instance = Instance(
        url=f"{base}{path}" if path.startswith("/") else path,
        method=str(entry.get("method", "")),
        param=parameter,
        attack=_payload(request, sent, parameter),
        evidence=_evidence(entry)[:2000],
        other=f"module {entry.get('module', '')}".strip(),
        request=request[:4000],
    )
    return rule, instance


def _payload(request: str, target: str, parameter: str) -> str:
    """The value wapiti sent in ``parameter``: from the query of the request target, else from a form body."""
    if not parameter:
        return ""
    for values in (parse_qs(urlsplit(target).query), parse_qs(request.partition("\n\n")[2].strip())):
        if parameter in values:
            return values[parameter][0]
    return ""


def _evidence(entry: dict[str, Any]) -> str:
    """The entry's ``info``; wapp's JSON about a technology becomes "Python 3.11 (Programming languages)"."""
    info = str(entry.get("info", ""))
    if entry.get("module") != "wapp":
        return info
    try:
        technology = json.loads(info)
        name = str(technology["name"])
        versions = ", ".join(str(v) for v in technology.get("versions") or [])
        categories = ", ".join(str(c) for c in technology.get("categories") or [])
    except (ValueError, TypeError, KeyError):
        return info
    text = f"{name} {versions}".strip()
    return f"{text} ({categories})" if categories else text
