"""``engine: wapiti`` — wapiti3 (3.2.x, from PyPI) in a subprocess, its JSON report normalised to findings.

wapiti lives in its own virtualenv (``.venv/tools/wapiti``, made by scripts/setup.sh) because its pins
(httpx, mitmproxy, ...) clash with the harness's. How it is kept honest:

- **scope on every hop**: all its requests go through the harness's scope proxy (``--proxy``, with a
  password only wapiti knows, :mod:`.scope_proxy`): a redirect or link to a host outside ``target.scope`` and every URL matching
  ``exclude`` is answered 403 by the proxy and never sent; ``--scope`` and ``-x`` (``wapiti.exclude_urls``)
  narrow it further. Its callback endpoints point at loopback; modules that contact other hosts (nikto,
  ssrf, log4shell, ...) are refused by the options; ``wapp`` fingerprints offline (:mod:`.fingerprints`).
- **secrets**: for an ``http`` target wapiti never holds the auth headers — the proxy adds them to
  requests to the target's origin only, so neither wapiti's log nor its report can contain them. For an
  ``https`` target wapiti must send them itself: they are handed over in a 0600 file that the launcher
  (:mod:`.wapiti_launch`) reads and deletes, never on the command line, and the proxy lets HTTPS tunnels go
  to the target's origin only. The log is written 0600 and redacted when wapiti ends.
- **one budget**: ``max_minutes`` bounds the whole scan: half of it at most for the crawl
  (``--max-scan-time``), the rest shared by the modules in turn (each may use what is left), then a
  wall-clock limit. A scan cut short says which cap fired and which option raises it.
- **coverage**: URLs and forms found (wapiti's log), URLs each module attacked (its session database),
  requests sent (counted by the proxy), modules that ran and those refused, spec operations requested.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from harness.errors import RunnerSetupError
from harness.processes import ChildProcess
from harness.redaction import Redactor
from harness.results.messages import message
from harness.results.model import SkippedItem, ToolInfo
from harness.runners.base import RunContext
from harness.runners.security import fingerprints
from harness.runners.security.engine import ScanOutcome, ScanPlan
from harness.runners.security.openapi import operation_coverage
from harness.runners.security.options import WAPITI_ACTIVE, WAPITI_PASSIVE, WAPITI_REFUSED, SecurityOptions
from harness.runners.security.scope_proxy import ScopeProxy
from harness.runners.security.wapiti_report import read_report

__all__ = ["WapitiEngine", "find_wapiti", "read_report"]

_GRACE = 60.0  # seconds past max_minutes for wapiti to write its report before it is stopped from outside
_CRAWL_SHARE = 0.5  # of max_minutes, at most, for the crawl
_LOOPBACK_ENDPOINT = "http://127.0.0.1:9/"  # discard port: payloads name it, nothing ever answers
_LAUNCHER = Path(__file__).with_name("wapiti_launch.py")


def find_wapiti(options: SecurityOptions, environ: dict[str, str] | None = None) -> str | None:
    """The wapiti command: the option, then the harness's tool venv, then PATH."""
    if options.wapiti.executable:
        return shutil.which(options.wapiti.executable) or None
    bundled = Path(sys.prefix) / "tools" / "wapiti" / "bin" / "wapiti"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return shutil.which("wapiti", path=(environ or {}).get("PATH"))


def wapiti_python(executable: str) -> str:
    """The Python interpreter wapiti is installed in (from its script's ``#!`` line).

    Raises:
        RunnerSetupError: the command is not a Python script.
    """
    try:
        with open(executable, "rb") as handle:
            first = handle.readline(512).decode("utf-8", "replace").strip()
    except OSError as exc:
        raise RunnerSetupError(message("setup.wapiti.unreadable", path=executable, detail=str(exc))) from None
    words = first.removeprefix("#!").split()
    if first.startswith("#!") and words:
        candidate = shutil.which(words[1]) if Path(words[0]).name == "env" and len(words) > 1 else words[0]
        if candidate and "python" in Path(candidate).name and os.access(candidate, os.X_OK):
            return candidate
    raise RunnerSetupError(message("setup.wapiti.not_python", path=executable, first=first[:80]))


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


def _private_file(path: Path, text: str) -> Path:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


class WapitiEngine:
    name = "wapiti"

    def available(self, options: SecurityOptions, ctx: RunContext) -> bool:
        return find_wapiti(options, dict(ctx.environ)) is not None

    def argv(self, plan: ScanPlan, workdir: Path, report: Path) -> list[str]:
        """wapiti's arguments, all but the secret ones (``--proxy`` with its password, ``-H`` for https, and
        ``-u``: the start URL may carry a token in its query), which the launcher reads from its private file."""
        options = plan.options
        modules = modules_for(options)
        budget = plan.budget
        argv = [
            "--scope", options.wapiti.scope,
            "-m", ",".join(modules),
            "-d", str(options.wapiti.depth),
            "-l", str(options.wapiti.level),
            "--max-scan-time", f"{budget * _CRAWL_SHARE:.1f}",
            "--max-attack-time", f"{budget:.1f}",  # the launcher narrows it to what is left of the budget
            "-t", f"{options.wapiti.request_timeout:g}",
            "-f", "json", "-o", str(report),
            "--flush-session", "--store-session", str(workdir / "session"), "--store-config", str(workdir / "config"),
            "--no-bugreport", "--verify-ssl", "1",
            "--endpoint", _LOOPBACK_ENDPOINT, "--dns-endpoint", "localhost",
            "-v", "1",
        ]  # fmt: skip
        for url in options.wapiti.exclude_urls:
            argv += ["-x", plan.base_url + url if url.startswith("/") else url]
        if plan.openapi_file:
            argv += ["--swagger", str(plan.openapi_file)]
        if "wapp" in modules:
            argv += ["--wapp-dir", str(workdir / "wapp")]
        return argv

    def scan(self, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome) -> None:
        executable = find_wapiti(plan.options, dict(ctx.environ))
        if executable is None:
            raise RunnerSetupError(message("setup.wapiti.missing"))
        python = wapiti_python(executable)
        outcome.tool = ToolInfo(name="wapiti", version=wapiti_version(executable))
        outcome.coverage.rules_refused = [SkippedItem(name=m, reason=message(why)) for m, why in WAPITI_REFUSED.items()]
        # wapiti's session databases hold every request: kept out of the run directory, deleted afterwards
        with tempfile.TemporaryDirectory(prefix="harness-wapiti-") as temporary:
            self._run(python, plan, ctx, outcome, Path(temporary))

    def _run(self, python: str, plan: ScanPlan, ctx: RunContext, outcome: ScanOutcome, workdir: Path) -> None:
        report = workdir / "report.json"
        log_path = ctx.raw_dir / "wapiti.log"
        modules = modules_for(plan.options)
        if "wapp" in modules:
            fingerprints.install(workdir / "config", workdir / "wapp")
        launcher = workdir / "launcher" / "launch.py"  # a folder of its own: nothing beside it to import
        launcher.parent.mkdir()
        shutil.copyfile(_LAUNCHER, launcher)
        headers = dict(plan.headers)
        https = urlsplit(plan.base_url).scheme == "https"
        env = {**ctx.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "HARNESS_WAPITI_DEADLINE": f"{plan.budget:.1f}"}
        password = secrets.token_urlsafe(16)  # only wapiti may use the proxy: it adds credentials
        redactor = ctx.redactor.with_secrets([*headers.values(), password])
        proxy = ScopeProxy(
            ctx.target.scope, plan.base_url, inject={} if https else headers, credential_names=headers,
            tunnel_only_target=https and bool(headers), exclude=plan.exclude, password=password,
        )  # fmt: skip
        with proxy:
            secret_args = ["-u", plan.target_url, "--proxy", proxy.url_with_password(password) + "/"]
            if https:
                secret_args += [arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}")]
            env["HARNESS_WAPITI_ARGS"] = str(_private_file(workdir / "secret-args.json", json.dumps(secret_args)))
            argv = [python, str(launcher), *self.argv(plan, workdir, report)]
            ctx.log.info("wapiti %s: %s", outcome.tool.version, redactor.redact(" ".join(argv[2:])))
            ctx.progress.update(total=None, detail=f"wapiti {plan.mode} scan of {plan.target_url}")
            self._wait(argv, env, workdir, log_path, plan, ctx, outcome)
            _session_coverage(workdir / "session", outcome)
        _redact_file(log_path, redactor)
        self._coverage(plan, proxy, log_path, modules, outcome)
        if report.is_file():
            _redact_file(report, redactor)
            kept = ctx.raw_dir / "wapiti-report.json"
            shutil.copyfile(report, kept)
            read_report(kept, outcome)
            self._caps(plan, log_path, outcome)
        elif not outcome.incomplete:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise RunnerSetupError(message("setup.wapiti.no_report", log=tail))
        else:
            outcome.notes.append(message("note.wapiti.no_report"))

    def _wait(
        self, argv: list[str], env: dict[str, str], workdir: Path, log_path: Path, plan: ScanPlan, ctx: RunContext,
        outcome: ScanOutcome,
    ) -> None:  # fmt: skip
        limit = plan.budget + _GRACE
        descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as log:
            child = ChildProcess(argv, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
            code = child.wait(timeout=limit, cancel=ctx.cancel, poll=0.2)
            if code is None:
                if ctx.cancel.cancelled:
                    outcome.stop(f"stopped: {ctx.cancel.reason}", "cancelled")
                else:
                    outcome.stop(
                        f"wapiti was still running {limit:g} s after it started (max_minutes "
                        f"{plan.options.max_minutes:g} min plus {_GRACE:g} s to write its report) and was stopped; "
                        f"raise suites.{plan.suite}.options.max_minutes",
                        "time-cap", cap="max_minutes", option=f"suites.{plan.suite}.options.max_minutes", limit=limit,
                    )  # fmt: skip
                child.stop(grace=5.0)

    def _caps(self, plan: ScanPlan, log_path: Path, outcome: ScanOutcome) -> None:
        """Record which of wapiti's time caps cut the scan short, from its log."""
        text = log_path.read_text(encoding="utf-8", errors="replace")
        option = f"suites.{plan.suite}.options.max_minutes"
        minutes = plan.options.max_minutes
        module = re.search(r"Max attack time was reached for module (\w+)", text) or re.search(
            r"harness: max_minutes budget spent before module (\w+)", text
        )
        if module:
            where = "during" if module.group(0).startswith("Max attack") else "before"
            outcome.stop(
                f"wapiti stopped {where} module {module.group(1)} after {outcome.elapsed():g} s: the suite's max_minutes "
                f"budget ({minutes:g} min) ran out before every module finished; raise {option}",
                "time-cap", cap="max_minutes", option=option, limit=plan.budget, detail=module.group(0),
            )  # fmt: skip
        elif "Max scan time was reached" in text:
            crawl = plan.budget * _CRAWL_SHARE
            outcome.stop(
                f"wapiti's crawl stopped after {crawl:g} s, its share (half) of max_minutes ({minutes:g} min), "
                f"before it had found every page; raise {option}",
                "time-cap", cap="crawl share of max_minutes", option=option, limit=crawl,
                detail="Max scan time was reached, stopping.",
            )  # fmt: skip

    def _coverage(
        self, plan: ScanPlan, proxy: ScopeProxy, log_path: Path, modules: list[str], outcome: ScanOutcome
    ) -> None:
        coverage = outcome.coverage
        text = log_path.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"Wapiti found (\d+) URLs and forms during the scan", text)
        if found:
            coverage.urls_found = int(found.group(1))
        coverage.requests = proxy.requests
        proxy.write_summary(log_path.with_name("scope-proxy.json"))
        launched = re.findall(r"Launching module (\w+)", text)
        coverage.rules_run = [m for m in modules if m in launched]
        not_run = [m for m in modules if m not in launched]
        if not_run and (outcome.incomplete or "budget spent" in text):
            coverage.rules_refused += [SkippedItem(name=m, reason=message("skip.security.cut_short")) for m in not_run]
        if proxy.refused_count:
            outcome.notes.append(
                message("note.security.proxy_refused", count=proxy.refused_count, examples=", ".join(proxy.refused[:5]))
            )
        if plan.mode == "api":
            excluded = {item.name for item in coverage.operations_skipped}
            coverage.operations_scanned, missing = operation_coverage(plan.operations, proxy.seen(), excluded)
            coverage.operations_skipped += missing


def _session_coverage(session_dir: Path, outcome: ScanOutcome) -> None:
    """URLs the modules attacked, from wapiti's session database (``attack_logs`` joined to ``paths``)."""
    for database in sorted(session_dir.glob("*.db")):
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
                tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                paths = next((t for t in tables if t.endswith("paths")), "")
                logs = next((t for t in tables if t.endswith("attack_logs")), "")
                if not (paths and logs):
                    continue
                rows = connection.execute(
                    f'SELECT DISTINCT p.method, p.path FROM "{logs}" a JOIN "{paths}" p ON a.path_id = p.path_id'
                ).fetchall()
        except sqlite3.Error:
            continue
        outcome.coverage.urls_scanned = len({(method, str(path).split("?", 1)[0]) for method, path in rows})
        return


def _redact_file(path: Path, redactor: Redactor) -> None:
    if not redactor or not path.is_file():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    redacted = redactor.redact(text)
    if redacted != text:
        path.write_text(redacted, encoding="utf-8")
