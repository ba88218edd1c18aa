"""``kind: security``: the runner that scans the target with a registered engine and judges the findings."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import ClassVar, TypeGuard

from pydantic import BaseModel

from harness.criteria.defaults import DEFAULTS
from harness.errors import ProfileError, RunnerSetupError
from harness.plugins import SCAN_ENGINES, load_plugins
from harness.results.findings import ALERT_METRICS, FindingSet, alert_metrics, sort_findings
from harness.results.messages import message, policy_message
from harness.results.metrics import SCAN_METRICS
from harness.results.model import Message, SuiteResult, SuiteStatus, ToolInfo
from harness.results.severity import describe_policy
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.runners.security.coverage import coverage_metrics, coverage_problem, plan_coverage
from harness.runners.security.engine import Engine, ScanOutcome
from harness.runners.security.options import SecurityOptions
from harness.runners.security.rules import RuleConfig, from_mapping, parse_rules_file
from harness.runners.security.scan_plan import scan_plan

AUTO_ORDER = ("zap", "wapiti")
"""``engine: auto`` tries these first, in this order, then any other registered engine by name."""


def load_engines() -> dict[str, Engine]:
    """The scan engines registered under ``harness.scan_engines`` (ZAP and wapiti are built in)."""
    return load_plugins(SCAN_ENGINES, lambda _, factory: factory(), _is_engine, "the Engine protocol")


def _is_engine(plugin: object) -> TypeGuard[Engine]:
    return isinstance(plugin, Engine)


class SecurityRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = SecurityOptions
    default_criteria: ClassVar[tuple[str, ...]] = DEFAULTS["security"]

    def __init__(self, kind: str, engines: dict[str, Engine] | None = None) -> None:
        super().__init__(kind)
        self._engines = engines

    @property
    def engines(self) -> dict[str, Engine]:
        if self._engines is None:
            self._engines = load_engines()
        return self._engines

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return ALERT_METRICS | SCAN_METRICS | {"duration"}

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        """What ``harness validate`` says about how this suite's findings are judged."""
        assert isinstance(options, SecurityOptions)
        overrides = [f"rules_file {options.rules_file}"] if options.rules_file else []
        overrides += ["rules"] if options.rules else []
        return (describe_policy(options.fail_on, options.default_action, overrides),)

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        """An engine nobody registered; a rule file that exists but that the run could not read (a missing
        one is reported by the options' PathSpec)."""
        assert isinstance(options, SecurityOptions)
        problem = self._unknown_engine(options.engine)
        return ([(("engine",), str(problem))] if problem else []) + _rule_file_issues(options, context.base_dir)

    def _unknown_engine(self, name: str) -> Message | None:
        if name == "auto" or name in self.engines:
            return None
        close = difflib.get_close_matches(name, list(self.engines), n=1)
        registered = ", ".join(sorted(self.engines))
        if close:
            return message("setup.security.unknown_engine_hint", engine=name, close=close[0], registered=registered)
        return message("setup.security.unknown_engine", engine=name, registered=registered)

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(SecurityOptions)
        rules = rule_config(options, ctx.base_dir)
        plan = scan_plan(suite.name, options, ctx)
        engine = self.choose_engine(options, ctx)
        outcome = ScanOutcome(FindingSet(source=engine.name), ToolInfo(name=engine.name))
        plan_coverage(plan, outcome)
        engine.scan(plan, ctx, outcome)
        coverage = outcome.coverage.freeze()
        uncovered = None if outcome.incomplete else coverage_problem(plan, coverage)
        tool = outcome.tool
        label = f"{tool.name} {tool.version}".strip()
        findings = [f.model_copy(update={"source": label}) for f in rules.apply(outcome.findings.findings())]
        findings = sort_findings(findings)
        false_positives = [f.model_copy(update={"source": label}) for f in outcome.findings.false_positives()]
        metrics = {**alert_metrics(findings), **coverage_metrics(coverage)}
        if outcome.incomplete:
            status = SuiteStatus.INCOMPLETE
        elif uncovered is not None:
            status = SuiteStatus.ERROR
        else:
            status = SuiteStatus.FAILED if metrics["alerts.fail"] else SuiteStatus.PASSED
        default_action = options.default_action.value if options.default_action else None
        notes = [
            message(f"note.security.scan.{options.mode}", url=plan.target_url, engine=label),
            policy_message(options.fail_on, default_action),
            *outcome.notes,
            *([uncovered] if uncovered is not None else []),  # why the suite is an error, in every report language
        ]
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=status,
            tool=tool,
            findings=tuple(findings),
            metrics=metrics,
            error=outcome.incomplete or str(uncovered or ""),
            notes=tuple(notes),
            stopped=outcome.stopped,
            coverage=coverage,
            false_positives=tuple(sort_findings(false_positives)),
        )

    def choose_engine(self, options: SecurityOptions, ctx: RunContext) -> Engine:
        """The engine named in the options, or for ``auto`` the first available of :data:`AUTO_ORDER`, then
        of the other registered engines.

        Raises:
            RunnerSetupError: the engine is not registered, or ``auto`` and no engine is available.
        """
        problem = self._unknown_engine(options.engine)
        if problem is not None:
            raise RunnerSetupError(problem)
        if options.engine != "auto":
            return self.engines[options.engine]
        order = [name for name in AUTO_ORDER if name in self.engines]
        order += sorted(name for name in self.engines if name not in AUTO_ORDER)
        for name in order:
            if self.engines[name].available(options, ctx):
                return self.engines[name]
        raise RunnerSetupError(message("setup.security.no_engine"))


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
        raise RunnerSetupError(message("setup.any.rules_missing", path=str(path)))
    try:
        return parse_rules_file(path, options.unlisted_actions).merged(mapping)
    except ProfileError as exc:
        raise RunnerSetupError(message("setup.any.bad_rules", detail=str(exc))) from None


def _rule_file_issues(options: SecurityOptions, base_dir: Path) -> list[OptionIssue]:
    if not options.rules_file or not (base_dir / options.rules_file).is_file():
        return []
    try:
        parse_rules_file(base_dir / options.rules_file, options.unlisted_actions)
    except ProfileError as exc:
        return [(("rules_file",), f"bad rule file: {issue}") for issue in exc.issues]
    return []
