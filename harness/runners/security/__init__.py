"""``kind: security`` — a web security scan of the target with OWASP ZAP or wapiti (DESIGN §4 "zap").

The runner resolves and scope-checks everything first (start URL, OpenAPI document, auth header,
rule configuration), picks the engine (``auto``: ZAP when one is configured or installed, else wapiti),
lets it scan, then applies the rule configuration and derives the ``alerts.*`` metrics. The default
criterion is ``alerts.fail == 0``: findings at FAIL decide the gate — by their risk (``fail_on``, critical and
high by default, harness/results/severity.py) unless the rule configuration names the rule, as in
zap-baseline.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin

from pydantic import BaseModel

from harness.errors import ProfileError, RunnerSetupError, ScopeError
from harness.gates.defaults import DEFAULTS
from harness.results.findings import ALERT_METRICS, FindingSet, alert_metrics, sort_findings
from harness.results.messages import message, policy_message
from harness.results.metrics import SCAN_METRICS
from harness.results.model import ScanCoverage, SkippedItem, SuiteResult, SuiteStatus, ToolInfo
from harness.results.severity import describe_policy
from harness.runners.base import PreparedSuite, RunContext
from harness.runners.security.engine import Engine, ScanOutcome, ScanPlan
from harness.runners.security.openapi import fetch_spec, operations, read_spec, retarget, write_copy
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

    def file_issues(self, options: BaseModel, base_dir: Path) -> list[tuple[tuple[str | int, ...], str]]:
        """``harness validate``: a rule file that exists but that the run could not read (plan.py calls this)."""
        assert isinstance(options, SecurityOptions)
        if not options.rules_file or not (base_dir / options.rules_file).is_file():
            return []  # a missing file is reported by the options' PathSpec
        try:
            parse_rules_file(base_dir / options.rules_file, options.unlisted_actions)
        except ProfileError as exc:
            return [(("rules_file",), f"bad rule file: {issue}") for issue in exc.issues]
        return []

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(SecurityOptions)
        rules = rule_config(options, ctx.base_dir)
        plan = scan_plan(suite.name, options, ctx)
        engine = self.choose_engine(options, ctx)
        outcome = ScanOutcome(FindingSet(source=engine.name), ToolInfo(name=engine.name))
        _plan_coverage(plan, outcome)
        engine.scan(plan, ctx, outcome)
        coverage = outcome.coverage.freeze()
        problem = "" if outcome.incomplete else coverage_problem(plan, coverage)
        tool = outcome.tool
        label = f"{tool.name} {tool.version}".strip()
        findings = [f.model_copy(update={"source": label}) for f in rules.apply(outcome.findings.findings())]
        findings = sort_findings(findings)
        false_positives = [f.model_copy(update={"source": label}) for f in outcome.findings.false_positives()]
        metrics = {**alert_metrics(findings), **coverage_metrics(coverage)}
        if outcome.incomplete:
            status = SuiteStatus.INCOMPLETE
        elif problem:
            status = SuiteStatus.ERROR
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
            error=outcome.incomplete or problem,
            notes=tuple(notes),
            stopped=outcome.stopped,
            coverage=coverage,
            false_positives=tuple(sort_findings(false_positives)),
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


def _plan_coverage(plan: ScanPlan, outcome: ScanOutcome) -> None:
    """What the plan already knows: the spec's operations, replaced servers, operations excluded."""
    if plan.mode != "api":
        return
    coverage = outcome.coverage
    coverage.operations_imported = len(plan.operations)
    coverage.spec_servers_replaced = list(plan.servers_replaced)
    coverage.operations_skipped = [
        SkippedItem(name=name, reason=f"matches exclude {regex!r}") for name, regex in excluded_operations(plan).items()
    ]
    if plan.servers_replaced:
        outcome.notes.append(
            f"OpenAPI servers {', '.join(plan.servers_replaced)} replaced by the target {plan.base_url}"
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
    """Resolve start URL, OpenAPI document and auth headers, refusing anything outside the scope.

    In api mode the document is read (fetched from the target when it is a URL), its servers are
    replaced by the target's base URL and the copy is written to ``raw/<suite>/openapi-target.json``.

    Raises:
        RunnerSetupError: an out-of-scope URL, an unreadable OpenAPI document or a missing auth variable.
    """
    base = ctx.target.base_url.rstrip("/")
    target_url = urljoin(base + "/", options.path.lstrip("/"))
    try:
        ctx.target.scope.check_url(target_url)
    except ScopeError as exc:
        raise RunnerSetupError(str(exc)) from None
    headers: dict[str, str] = {}
    if options.auth is not None:
        value = ctx.environ.get(options.auth.value_env)
        if not value:
            raise RunnerSetupError(f"environment variable {options.auth.value_env} (auth.value_env) is not set")
        headers[options.auth.header] = value
    elif options.use_target_auth:
        headers.update(ctx.target.headers)
    include = ["^" + re.escape(base) + "(?:[/?#].*)?$"]
    include += ["^" + re.escape(base) + (p if p.startswith("/") else "/" + p) for p in options.include]
    plan = ScanPlan(
        suite=suite,
        target_url=target_url,
        base_url=base,
        include=tuple(include),
        exclude=tuple(options.exclude),
        headers=headers,
        options=options,
    )
    if options.openapi:
        plan = _with_openapi(plan, options.openapi, ctx)
    return plan


def _with_openapi(plan: ScanPlan, openapi: str, ctx: RunContext) -> ScanPlan:
    base = plan.base_url
    if openapi.startswith("/"):
        openapi = urljoin(base + "/", openapi.lstrip("/"))  # a path on the target
    openapi_url = None
    if "://" in openapi and not openapi.startswith("file:"):
        try:
            ctx.target.scope.check_url(openapi)
        except ScopeError as exc:
            raise RunnerSetupError(str(exc)) from None
        openapi_url = openapi
        same_origin = openapi.startswith(base + "/")
        text = fetch_spec(openapi, ctx.target.scope, dict(plan.headers) if same_origin else {}, ctx.target.timeout)
        where = openapi
    else:
        source = (ctx.base_dir / openapi.removeprefix("file://").removeprefix("file:")).resolve()
        if not source.is_file():
            raise RunnerSetupError(f"OpenAPI file not found: {source}")
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RunnerSetupError(f"{source}: cannot read the OpenAPI document: {exc}") from None
        where = str(source)
    document, replaced = retarget(read_spec(text, where), base)
    copy = write_copy(document, ctx.raw_dir / "openapi-target.json")
    return replace(
        plan,
        openapi_url=openapi_url,
        openapi_file=copy,
        operations=tuple(operations(document)),
        servers_replaced=tuple(replaced),
    )


def excluded_operations(plan: ScanPlan) -> dict[str, str]:
    """Operations whose URL matches an ``exclude`` regex: name -> the regex (they are never requested)."""
    skipped: dict[str, str] = {}
    for op in plan.operations:
        url = plan.base_url + re.sub(r"\{[^}/]+\}", "1", op.path)
        for regex in plan.exclude:
            if re.fullmatch(regex, url):
                skipped[op.name] = regex
                break
    return skipped


def coverage_problem(plan: ScanPlan, coverage: ScanCoverage) -> str:
    """Why a scan that ran to its end covered nothing worth a verdict ("" when it covered something)."""
    if plan.mode == "api" and plan.operations and coverage.operations_scanned == 0:
        return (
            f"the API scan requested none of the {len(plan.operations)} operations of the OpenAPI document: "
            "check that the target serves them under its base URL and that exclude does not drop them"
        )
    if plan.mode == "api" and not plan.operations:
        return "the OpenAPI document has no operations: nothing to scan"
    if coverage.urls_found == 0 or coverage.requests == 0:
        return (
            f"the scan found no URL at {plan.target_url} ({coverage.requests or 0} requests answered): the "
            "target did not answer or every page was excluded; a scan of nothing is not a pass"
        )
    return ""


def coverage_metrics(coverage: ScanCoverage) -> dict[str, float]:
    """``scan.*`` metrics for criteria, only for what the engine measured."""
    metrics: dict[str, float] = {}
    for name, value in (
        ("scan.urls", coverage.urls_found),
        ("scan.urls_scanned", coverage.urls_scanned),
        ("scan.requests", coverage.requests),
        ("scan.operations", coverage.operations_imported),
        ("scan.operations_scanned", coverage.operations_scanned),
    ):
        if value is not None:
            metrics[name] = float(value)
    if coverage.rules_run:
        metrics["scan.rules"] = float(len(coverage.rules_run))
    return metrics
