"""``engine: wapiti`` — wapiti3 (3.2.x, from PyPI) in a subprocess, its JSON report normalised to findings.

wapiti lives in its own virtualenv (``.venv/tools/wapiti``, made by scripts/setup.sh) because its pins
(httpx, mitmproxy, ...) clash with the harness's. It is bounded by ``--max-scan-time`` and by a
wall-clock limit, kept inside the scope with ``--scope`` and ``-x`` excludes, and never pointed at
anything outside the target: its callback endpoints are set to loopback, modules that contact other
hosts (nikto, ssrf, log4shell, ...) are refused by the options, and the fingerprinting module ``wapp``
runs from the harness's own database, offline (see :mod:`harness.runners.security.fingerprints`).

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
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness.errors import RunnerSetupError
from harness.processes import ChildProcess
from harness.redaction import Redactor
from harness.results.findings import RuleInfo
from harness.results.model import Instance, Risk, ToolInfo
from harness.runners.base import RunContext
from harness.runners.security import fingerprints
from harness.runners.security.engine import ScanOutcome, ScanPlan
from harness.runners.security.options import WAPITI_ACTIVE, WAPITI_PASSIVE, SecurityOptions

_LEVELS = {4: Risk.CRITICAL, 3: Risk.HIGH, 2: Risk.MEDIUM, 1: Risk.LOW, 0: Risk.INFO}
_SECTIONS = ("vulnerabilities", "anomalies", "additionals")
_CWE = re.compile(r"^CWE-(\d+)")
_GRACE = 30.0  # seconds past --max-scan-time before wapiti is stopped from outside
_LOOPBACK_ENDPOINT = "http://127.0.0.1:9/"  # discard port: payloads name it, nothing ever answers
_VERSION_DISCLOSURES = {"Fingerprint web server", "Fingerprint web application framework"}
# wapiti's solution for these is "only for informational purposes"; rated low, they need a remedy
_DISCLOSURE_SOLUTION = (
    "Do not announce software names and versions: remove or make generic the Server, X-Powered-By and "
    "X-AspNet-Version headers and the version shown on error pages (web server, application server and "
    "framework settings), and keep the software patched."
)


def find_wapiti(options: SecurityOptions, environ: dict[str, str] | None = None) -> str | None:
    """The wapiti command: the option, then the harness's tool venv, then PATH."""
    if options.wapiti.executable:
        return shutil.which(options.wapiti.executable) or None
    bundled = Path(sys.prefix) / "tools" / "wapiti" / "bin" / "wapiti"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return shutil.which("wapiti", path=(environ or {}).get("PATH"))


def wapiti_version(executable: str) -> str:
    try:
        completed = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    found = re.findall(r"^(\d+\.\d+\.\d+)\s*$", completed.stdout, re.MULTILINE)
    return found[-1] if found else ""


def modules_for(options: SecurityOptions) -> list[str]:
    if options.wapiti.modules:
        return list(options.wapiti.modules)
    return list(WAPITI_PASSIVE) if options.mode == "baseline" else [*WAPITI_PASSIVE, *WAPITI_ACTIVE]


class WapitiEngine:
    name = "wapiti"

    def available(self, options: SecurityOptions, ctx: RunContext) -> bool:
        return find_wapiti(options, dict(ctx.environ)) is not None

    def argv(self, executable: str, plan: ScanPlan, workdir: Path, report: Path) -> list[str]:
        options = plan.options
        modules = modules_for(options)
        # --max-scan-time bounds only the crawl and --max-attack-time each module: split max_minutes so
        # the whole scan fits (a third for crawling, the rest shared by the modules).
        budget = options.max_minutes * 60
        crawl = budget / 3
        per_module = (budget - crawl) / max(len(modules), 1)
        argv = [
            executable, "-u", plan.target_url,
            "--scope", options.wapiti.scope,
            "-m", ",".join(modules),
            "-d", str(options.wapiti.depth),
            "-l", str(options.wapiti.level),
            "--max-scan-time", f"{crawl:.1f}",
            "--max-attack-time", f"{per_module:.1f}",
            "-t", f"{options.wapiti.request_timeout:g}",
            "-f", "json", "-o", str(report),
            "--flush-session", "--store-session", str(workdir / "session"), "--store-config", str(workdir / "config"),
            "--no-bugreport", "--verify-ssl", "1",
            "--endpoint", _LOOPBACK_ENDPOINT, "--dns-endpoint", "localhost",
            "-v", "1",
        ]  # fmt: skip
        for url in options.wapiti.exclude_urls:
            argv += ["-x", url]
        for name, value in plan.headers.items():
            argv += ["-H", f"{name}: {value}"]
        if plan.openapi_url or plan.openapi_file:
            argv += ["--swagger", plan.openapi_url or str(plan.openapi_file)]
        if "wapp" in modules:
            argv += ["--wapp-dir", str(workdir / "wapp")]
        return argv

    def scan(self, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome) -> None:
        executable = find_wapiti(plan.options, dict(ctx.environ))
        if executable is None:
            raise RunnerSetupError(
                "wapiti is not installed: run `make setup` (it installs wapiti3 into .venv/tools/wapiti) "
                "or set options.wapiti.executable"
            )
        outcome.tool = ToolInfo(name="wapiti", version=wapiti_version(executable))
        # wapiti's session databases hold every request, auth header included: kept out of the run
        # directory and deleted afterwards.
        with tempfile.TemporaryDirectory(prefix="harness-wapiti-") as temporary:
            self._run(executable, plan, ctx, outcome, Path(temporary))

    def _run(self, executable: str, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome, workdir: Path) -> None:
        report = ctx.raw_dir / "wapiti-report.json"
        log_path = ctx.raw_dir / "wapiti.log"
        argv = self.argv(executable, plan, workdir, report)
        if "wapp" in modules_for(plan.options):
            fingerprints.install(workdir / "config", workdir / "wapp")
        redactor = ctx.redactor.with_secrets(plan.headers.values())
        ctx.log.info("wapiti %s: %s", outcome.tool.version, redactor.redact(" ".join(argv[1:])))
        limit = plan.options.max_minutes * 60 + _GRACE
        ctx.progress.update(total=None, detail=f"wapiti {plan.mode} scan of {plan.target_url}")
        env = {**ctx.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        with log_path.open("wb") as log:
            child = ChildProcess(argv, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
            code = child.wait(timeout=limit, cancel=ctx.cancel, poll=0.2)
            if code is None:
                outcome.incomplete = (
                    f"stopped: {ctx.cancel.reason}"
                    if ctx.cancel.cancelled
                    else f"wapiti exceeded {limit:g}s and was stopped"
                )
                child.stop(grace=5.0)
                code = child.returncode
        _redact_file(log_path, redactor)
        if report.is_file():
            _redact_file(report, redactor)
            read_report(report, outcome)
            if _stopped_by_time(log_path):
                outcome.notes.append(f"wapiti reached max_minutes ({plan.options.max_minutes:g} min); scan cut short")
                outcome.incomplete = outcome.incomplete or (
                    f"scan stopped at max_minutes ({plan.options.max_minutes:g} min) before every module finished"
                )
        elif not outcome.incomplete:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise RunnerSetupError(f"wapiti exited with code {code} and wrote no report:\n{tail}")
        else:
            outcome.notes.append("wapiti wrote no report before it was stopped")


def _redact_file(path: Path, redactor: Redactor) -> None:
    if not redactor:
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    redacted = redactor.redact(text)
    if redacted != text:
        path.write_text(redacted, encoding="utf-8")


def _stopped_by_time(log_path: Path) -> bool:
    """Whether wapiti cut its crawl or a module short at its time limits (it logs both)."""
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return "Max scan time was reached" in text or "Max attack time was reached" in text


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
        raise RunnerSetupError(f"{path}: not a wapiti JSON report: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("classifications"), dict):
        raise RunnerSetupError(f"{path}: not a wapiti JSON report (no 'classifications')")
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
    path = str(entry.get("path", "")) or "/"
    instance = Instance(
        url=f"{base}{path}" if path.startswith("/") else path,
        method=str(entry.get("method", "")),
        param=str(entry.get("parameter", "")),
        attack=sent if entry.get("parameter") else "",
        evidence=_evidence(entry)[:2000],
        other=f"module {entry.get('module', '')}".strip(),
    )
    return rule, instance


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
