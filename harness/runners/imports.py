"""``kind: import`` — results that other tools already produced (JUnit XML, JMeter JTL, ZAP, Nessus, ...).

The files are copied into ``raw/<suite>/`` first, so the run directory (and the signed PDF) carries
exactly the evidence the verdict was computed from. Findings of security formats (ZAP, Nessus) are judged
by the same severity policy and rule configuration as scans (``fail_on``, ``rules``, ``rules_file``), and
every import gets its kind's default criteria when it lists none (harness/criteria/defaults.py).
"""

from __future__ import annotations

import glob
import re
import shutil
from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.criteria.defaults import default_criteria
from harness.errors import ImportFormatError, ProfileError, RunnerSetupError
from harness.profile.paths import PathSpec
from harness.results.findings import alert_metrics, sort_findings
from harness.results.importers import Importer, load_importers
from harness.results.messages import message, policy_message
from harness.results.model import Message, SuiteResult, SuiteStatus
from harness.results.severity import FailOn, describe_policy, severity_actions
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.runners.security.rules import RuleConfig, from_mapping, parse_rules_file


class ImportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(description="importer name, e.g. junit, jtl, zap-json, nessus")
    paths: Annotated[list[str], PathSpec("result file", "pattern")] = Field(
        min_length=1, description="files or glob patterns, relative to the file that writes them"
    )
    kind: str | None = Field(default=None, description="what the results are: unit, integration, performance, ...")
    fail_on: FailOn | None = Field(
        default=None, description="security formats: lowest risk whose findings FAIL when no rule names them (high)"
    )
    rules: dict[str, str] = Field(
        default_factory=dict, description="security formats: rule id -> IGNORE|INFO|WARN|FAIL"
    )
    rules_file: Annotated[str | None, PathSpec("rule file")] = Field(
        default=None, description="security formats: zap-baseline -c rule file"
    )

    @model_validator(mode="after")
    def _rules(self) -> ImportOptions:
        from_mapping(self.rules, {})  # raises ValueError for an unknown action
        return self

    @property
    def judges_findings(self) -> bool:
        return self.fail_on is not None or bool(self.rules) or self.rules_file is not None


SECURITY_METRIC = "alerts.fail"


def is_security_format(importer: Importer) -> bool:
    """Formats whose results are findings (ZAP, Nessus): judged by the severity policy."""
    return SECURITY_METRIC in importer.metric_names


def import_rules(fail_on: FailOn | None, rules: dict[str, str], rules_file: Path | None) -> RuleConfig:
    """The rule configuration of a security import: the file (if any), the mapping on top, and for every
    other rule the severity policy with threshold ``fail_on`` (default high).

    Raises:
        RunnerSetupError: the rule file is missing or malformed.
    """
    actions = severity_actions(fail_on or "high")
    mapping = from_mapping(rules, {}, actions)
    if rules_file is None:
        return mapping
    if not rules_file.is_file():
        raise RunnerSetupError(message("setup.any.rules_missing", path=str(rules_file)))
    try:
        return parse_rules_file(rules_file, actions).merged(mapping)
    except ProfileError as exc:
        raise RunnerSetupError(message("setup.any.bad_rules", detail=str(exc))) from None


def judge_findings(result: SuiteResult, rules: RuleConfig, fail_on: FailOn | None = None) -> SuiteResult:
    """Imported findings with their rule actions set, the ``alerts.*`` metrics recounted, and the status
    ``failed`` when any finding is at FAIL (the importer's own status otherwise stands)."""
    findings = sort_findings(rules.apply(result.findings))
    metrics = {**result.metrics, **alert_metrics(findings)}
    status = result.status
    if status in (SuiteStatus.PASSED, SuiteStatus.FAILED):
        status = SuiteStatus.FAILED if metrics["alerts.fail"] else SuiteStatus.PASSED
    notes = (*result.notes, policy_message(fail_on or "high"))
    update = {"findings": tuple(findings), "metrics": metrics, "status": status, "notes": notes}
    return result.model_copy(update=update)


def import_defaults(importer: Importer, kind: str) -> tuple[str, ...]:
    """The criteria an import gets when none are given: its kind's defaults (harness/criteria/defaults.py)
    if the importer produces their metric, else what the importer itself declares."""
    return default_criteria(kind, importer.metric_names | {"duration"}) or importer_defaults(importer)


def expand(patterns: list[str], base_dir: Path) -> list[Path]:
    """Every file or directory matching ``patterns`` (sorted per pattern, duplicates dropped).

    Directories are kept as they are (an allure-results directory is one input); the importer decides
    what it accepts.

    Raises:
        RunnerSetupError: a pattern matches nothing — an empty import must never pass silently.
    """
    found: list[Path] = []
    for pattern in patterns:
        absolute = pattern if Path(pattern).is_absolute() else str(base_dir / pattern)
        matches = sorted(Path(p).resolve() for p in glob.glob(absolute, recursive=True) if Path(p).exists())
        if not matches:
            raise RunnerSetupError(message("setup.import.no_match", pattern=pattern, base=str(base_dir)))
        found.extend(m for m in matches if m not in found)
    return found


def import_sources(importer: Importer, sources: list[Path], raw_dir: Path, suite: str, kind: str) -> SuiteResult:
    """Copy ``sources`` into ``raw_dir`` (the evidence), then import the copies.

    Raises:
        RunnerSetupError: a file is malformed (``FILE:LINE: reason``, naming the user's file, not the copy).
    """
    copies: list[Path] = []
    for index, source in enumerate(sources):
        copy = raw_dir / (source.name if len(sources) == 1 else f"{index:03d}-{source.name}")
        if source.is_dir():
            shutil.copytree(source, copy, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, copy)
        copies.append(copy)
    try:
        result = importer.read(copies, suite, kind)
    except ImportFormatError as exc:
        problem = str(exc)
        for source, copy in zip(sources, copies, strict=True):
            problem = problem.replace(str(copy), str(source))
        raise RunnerSetupError(malformed(problem, sources)) from None
    notes = (*result.notes, message("note.import.sources", files=", ".join(str(s) for s in sources)))
    return result.model_copy(update={"notes": notes})


_LOCATED = re.compile(r"(?P<file>.+?):(?P<line>\d+): (?P<reason>.*)", re.S)


def malformed(problem: str, sources: list[Path]) -> Message:
    """An importer's ``FILE:LINE: reason`` about one of the user's files as a message: the file, the line and
    the importer's words are its parameters (any other wording is kept whole)."""
    located = _LOCATED.fullmatch(problem)
    if located and any(located["file"].startswith(str(source)) for source in sources):
        return message(
            "setup.import.malformed", file=located["file"], line=int(located["line"]), reason=located["reason"]
        )
    return message("setup.import.malformed_file", problem=problem)


class ImportRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = ImportOptions
    default_criteria: ClassVar[tuple[str, ...]] = ()

    def __init__(self, kind: str, importers: dict[str, Importer] | None = None) -> None:
        super().__init__(kind)
        self._importers = importers

    @property
    def importers(self) -> dict[str, Importer]:
        if self._importers is None:
            self._importers = load_importers()
        return self._importers

    def importer(self, options: ImportOptions) -> Importer:
        found = self.importers.get(options.format)
        if found is None:
            known = ", ".join(sorted(self.importers))
            raise RunnerSetupError(message("setup.import.unknown_format", format=options.format, known=known))
        return found

    def needs_target(self, options: BaseModel) -> bool:
        return False

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        assert isinstance(options, ImportOptions)
        importer = self.importers.get(options.format)
        return importer.metric_names | {"duration"} if importer else frozenset({"duration"})

    def default_criteria_for(self, options: BaseModel) -> tuple[str, ...]:
        """The defaults of the results' kind (``pass_rate >= 100%`` for test results, ``error_rate == 0%``
        for load results, ``alerts.fail == 0`` for findings), used when the suite lists no criteria: an
        import of bad results must not pass the gate silently."""
        assert isinstance(options, ImportOptions)
        importer = self.importers.get(options.format)
        if importer is None:
            return ()
        return import_defaults(importer, options.kind or importer.default_kind)

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        """An unknown format, and severity options given for results that have no findings."""
        assert isinstance(options, ImportOptions)
        importer = self.importers.get(options.format)
        if importer is None:
            known = ", ".join(sorted(self.importers))
            return [(("format",), f"unknown import format {options.format!r}; known: {known}")]
        if options.judges_findings and not is_security_format(importer):
            key = "fail_on" if options.fail_on is not None else "rules" if options.rules else "rules_file"
            return [((key,), f"applies to security formats (findings), not to {options.format!r}")]
        return []

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        """What ``harness validate`` says about how this import's findings are judged."""
        assert isinstance(options, ImportOptions)
        importer = self.importers.get(options.format)
        if importer is None or not is_security_format(importer):
            return ()
        overrides = [f"rules_file {options.rules_file}"] if options.rules_file else []
        overrides += ["rules"] if options.rules else []
        return (describe_policy(options.fail_on or "high", None, overrides),)

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(ImportOptions)
        importer = self.importer(options)
        if options.judges_findings and not is_security_format(importer):
            raise RunnerSetupError(message("setup.import.findings_options", format=options.format))
        rules = None
        if is_security_format(importer):
            rules_file = ctx.base_dir / options.rules_file if options.rules_file else None
            rules = import_rules(options.fail_on, options.rules, rules_file)
        sources = expand(options.paths, ctx.base_dir)
        ctx.progress.update(total=len(sources), completed=0)
        result = import_sources(importer, sources, ctx.raw_dir, suite.name, options.kind or importer.default_kind)
        ctx.progress.update(completed=len(sources))
        return judge_findings(result, rules, options.fail_on) if rules is not None else result


def importer_defaults(importer: Importer | None) -> tuple[str, ...]:
    """An importer's own ``default_criteria`` (() for one that leaves them to its results' kind)."""
    return tuple(importer.default_criteria) if importer is not None else ()
