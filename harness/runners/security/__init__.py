"""``kind: security`` — a web security scan of the target with OWASP ZAP or wapiti (DESIGN §4 "zap").

The runner resolves and scope-checks everything first (start URL, OpenAPI document, auth header,
rule configuration), picks the engine (``auto``: ZAP when one is configured or installed, else wapiti),
lets it scan, then applies the rule configuration and derives the ``alerts.*`` metrics. The default
criterion is ``alerts.fail == 0``: findings at FAIL decide the gate — by their risk (``fail_on``, critical and
high by default, harness/results/severity.py) unless the rule configuration names the rule, as in
zap-baseline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin

import yaml
from pydantic import BaseModel

from harness.errors import HarnessError, ProfileError, RunnerSetupError, ScopeError
from harness.gates.defaults import DEFAULTS
from harness.results.findings import ALERT_METRICS, FindingSet, alert_metrics, sort_findings
from harness.results.messages import message, policy_message
from harness.results.metrics import SCAN_METRICS
from harness.results.model import SuiteResult, SuiteStatus, ToolInfo
from harness.results.severity import describe_policy
from harness.runners.base import PreparedSuite, RunContext
from harness.runners.security.engine import Engine, ScanOutcome, ScanPlan
from harness.runners.security.options import SecurityOptions
from harness.runners.security.rules import RuleConfig, from_mapping, parse_rules_file
from harness.runners.security.wapiti import WapitiEngine
from harness.runners.security.zap import ZapEngine

__all__ = ["SecurityOptions", "SecurityRunner"]


def default_engines() -> dict[str, Engine]:
    return {"zap": ZapEngine(), "wapiti": WapitiEngine()}


class SecurityRunner:
    options_model: ClassVar[type[BaseModel]] = SecurityOptions
    default_criteria: ClassVar[tuple[str, ...]] = DEFAULTS["security"]

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.engines = default_engines()

    def needs_target(self, options: BaseModel) -> bool:
        return True

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return ALERT_METRICS | SCAN_METRICS | {"duration"}

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        """What ``harness validate`` says about how this suite's findings are judged."""
        assert isinstance(options, SecurityOptions)
        overrides = [f"rules_file {options.rules_file}"] if options.rules_file else []
        overrides += ["rules"] if options.rules else []
        return (describe_policy(options.fail_on, options.default_action, overrides),)

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(SecurityOptions)
        rules = rule_config(options, ctx.base_dir)
        plan = scan_plan(suite.name, options, ctx)
        engine = self.choose_engine(options, ctx)
        outcome = ScanOutcome(FindingSet(source=engine.name), ToolInfo(name=engine.name))
        engine.scan(plan, ctx, outcome)
        tool = outcome.tool
        label = f"{tool.name} {tool.version}".strip()
        findings = [f.model_copy(update={"source": label}) for f in rules.apply(outcome.findings.findings())]
        findings = sort_findings(findings)
        metrics = alert_metrics(findings)
        if outcome.incomplete:
            status = SuiteStatus.INCOMPLETE
        else:
            status = SuiteStatus.FAILED if metrics["alerts.fail"] else SuiteStatus.PASSED
        default_action = options.default_action.value if options.default_action else None
        notes = [
            message(f"note.security.scan.{options.mode}", url=plan.target_url, engine=label),
            policy_message(options.fail_on, default_action),
            *outcome.notes,
        ]
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=status,
            tool=tool,
            findings=tuple(findings),
            metrics=metrics,
            error=outcome.incomplete,
            notes=tuple(notes),
        )

    def choose_engine(self, options: SecurityOptions, ctx: RunContext) -> Engine:
        """The engine named in the options, or for ``auto`` ZAP when available, else wapiti.

        Raises:
            RunnerSetupError: ``auto`` and neither engine is available.
        """
        if options.engine != "auto":
            return self.engines[options.engine]
        for name in ("zap", "wapiti"):
            if self.engines[name].available(options, ctx):
                return self.engines[name]
        raise RunnerSetupError(
            "no scan engine available: install ZAP (zap.sh on PATH or $ZAP_HOME), give zap.api_url, "
            "or run `make setup` to install wapiti"
        )


def rule_config(options: SecurityOptions, base_dir: Path) -> RuleConfig:
    """The rule file (if any) with the profile's mapping on top.

    Raises:
        RunnerSetupError: the rule file is missing or malformed (FILE:LINE in the message).
    """
    mapping = from_mapping(options.rules, options.out_of_scope, options.unlisted_actions)
    if not options.rules_file:
        return mapping
    path = base_dir / options.rules_file
    if not path.is_file():
        raise RunnerSetupError(f"rule file not found: {path}")
    try:
        return parse_rules_file(path, options.unlisted_actions).merged(mapping)
    except ProfileError as exc:
        raise RunnerSetupError(f"bad rule file:\n{exc}") from None


def scan_plan(suite: str, options: SecurityOptions, ctx: RunContext) -> ScanPlan:
    """Resolve start URL, OpenAPI source and auth headers, refusing anything outside the scope.

    Raises:
        RunnerSetupError: an out-of-scope URL, a missing OpenAPI file or auth variable.
    """
    base = ctx.target.base_url.rstrip("/")
    target_url = urljoin(base + "/", options.path.lstrip("/"))
    openapi_url = None
    openapi_file = None
    openapi = options.openapi or ""
    if openapi.startswith("/"):
        openapi = urljoin(base + "/", openapi.lstrip("/"))  # a path on the target
    try:
        ctx.target.scope.check_url(target_url)
        if "://" in openapi and not openapi.startswith("file:"):
            ctx.target.scope.check_url(openapi)
            openapi_url = openapi
    except ScopeError as exc:
        raise RunnerSetupError(str(exc)) from None
    if openapi and openapi_url is None:
        openapi_file = (ctx.base_dir / openapi.removeprefix("file://").removeprefix("file:")).resolve()
        if not openapi_file.is_file():
            raise RunnerSetupError(f"OpenAPI file not found: {openapi_file}")
        _check_openapi_servers(openapi_file, ctx)
    include = ["^" + re.escape(base) + "(?:[/?#].*)?$"]
    include += ["^" + re.escape(base) + (p if p.startswith("/") else "/" + p) for p in options.include]
    headers: dict[str, str] = {}
    if options.auth is not None:
        value = ctx.environ.get(options.auth.value_env)
        if not value:
            raise RunnerSetupError(f"environment variable {options.auth.value_env} (auth.value_env) is not set")
        headers[options.auth.header] = value
    elif options.use_target_auth:
        headers.update(ctx.target.headers)
    return ScanPlan(
        suite=suite,
        target_url=target_url,
        base_url=base,
        include=tuple(include),
        exclude=tuple(options.exclude),
        headers=headers,
        openapi_url=openapi_url,
        openapi_file=openapi_file,
        options=options,
    )


def _check_openapi_servers(path: Path, ctx: RunContext) -> None:
    """Refuse an OpenAPI file whose ``servers`` / ``host`` point outside the scope.

    The engines are told to send requests to the target instead (ZAP ``target``), but a document that
    names other servers is a sign of a mix-up worth stopping for.
    """
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise RunnerSetupError(f"{path}: not a readable OpenAPI document: {exc}") from None
    if not isinstance(document, dict):
        raise RunnerSetupError(f"{path}: not an OpenAPI document")
    urls = [str(s.get("url", "")) for s in document.get("servers") or [] if isinstance(s, dict)]
    if document.get("host"):
        urls.append(f"http://{document['host']}")
    for url in urls:
        if "://" not in url:
            continue  # relative server URLs are resolved against the target
        try:
            ctx.target.scope.check_url(url)
        except HarnessError as exc:
            raise RunnerSetupError(f"{path}: servers: {exc}") from None
