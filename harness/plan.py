"""Turn a loaded profile into a runnable plan: runner per suite, options validated, criteria parsed.

This is the second half of ``harness validate``: the profile layer checks structure; here every suite's
kind, runner options and criteria are checked against the runners that will execute them, with errors
located at FILE:LINE: key.path like any other profile error.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from harness.criteria import Criterion, CriterionSyntaxError, parse_criterion
from harness.criteria.names import NO_BASELINE_HINT, criterion_problem
from harness.demo.weaknesses import unknown_weaknesses
from harness.errors import ProfileError, ProfileIssue
from harness.profile import LoadedProfile, load_profile, validation_issues
from harness.profile.loader import valid_suites
from harness.profile.model import CriterionSpec, Suite, Target
from harness.profile.paths import path_issues, resolve_paths
from harness.profile.schedule import history_issues
from harness.profile.scope import Scope
from harness.profile.source import Source
from harness.results.model import CriterionAction
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, Runner


@dataclass(frozen=True)
class PlannedSuite:
    suite: PreparedSuite
    runner: Runner
    default_criteria: tuple[Criterion, ...]  # used only when the profile lists none
    enabled: bool
    gate_notes: tuple[str, ...] = ()  # how the suite's runner judges beyond its criteria (severity policy)
    file_problems: tuple[ProfileIssue, ...] = ()  # missing files of a disabled suite: an error once it is selected

    @property
    def effective_criteria(self) -> tuple[tuple[Criterion, bool], ...]:
        """The criteria the suite is judged by, each with whether it is its kind's default."""
        if self.suite.criteria:
            return tuple((c, False) for c in self.suite.criteria)
        return tuple((c, True) for c in self.default_criteria)


@dataclass(frozen=True)
class Plan:
    loaded: LoadedProfile
    suites: tuple[PlannedSuite, ...]


def load_plan(path: Path, runners: Mapping[str, Runner]) -> Plan:
    """Load a profile and plan it; a ProfileError lists every problem of every layer, in file order."""
    try:
        loaded = load_profile(path)
    except ProfileError as exc:
        if not isinstance(exc.source, Source):
            raise
        _, more = plan_suites(exc.source, valid_suites(exc.source), runners)
        issues = sorted(exc.issues + more, key=lambda i: (i.file, i.line or 0))
        raise ProfileError(issues, source=exc.source) from None
    return make_plan(loaded, runners)


def make_plan(loaded: LoadedProfile, runners: Mapping[str, Runner]) -> Plan:
    """Raises ProfileError with every problem in the suites (unknown kinds, options, criteria)."""
    planned, issues = plan_suites(loaded.source, list(enumerate(loaded.profile.suites)), runners)
    issues += history_issues(loaded.profile, loaded.source)  # schedule, notify, baseline
    issues += _target_issues(loaded.profile.target, loaded.source)
    if issues:
        raise ProfileError(issues, source=loaded.source)
    return Plan(loaded, tuple(planned))


def plan_suites(
    source: Source, suites: list[tuple[int, Suite]], runners: Mapping[str, Runner]
) -> tuple[list[PlannedSuite], list[ProfileIssue]]:
    issues: list[ProfileIssue] = []
    planned: list[PlannedSuite] = []
    context = SuiteContext(
        preflight=PreflightContext(base_dir=source.root.parent, scope=_declared_scope(source)),
        has_baseline=source.data.get("baseline") is not None,
    )
    for index, suite in suites:
        here = ("suites", index)
        runner = runners.get(suite.kind)
        if runner is None:
            close = difflib.get_close_matches(suite.kind, list(runners), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known kinds: {', '.join(sorted(runners))}"
            issues.append(source.issue((*here, "kind"), f"unknown suite kind {suite.kind!r}{hint}"))
            continue
        try:
            options = runner.options_model.model_validate(suite.options)
        except ValidationError as exc:
            issues.extend(validation_issues(exc, source, runner.options_model, (*here, "options")))
            continue
        file_problems = path_issues(options, source, (*here, "options"))  # quoting the paths as written
        options = resolve_paths(options, source, (*here, "options"))  # relative to the file that wrote each
        written = [
            (item.expect, item.action) if isinstance(item, CriterionSpec) else (item, None) for item in suite.criteria
        ]
        prepared = PreparedSuite(suite.name, suite.kind, options, (), suite.timeout, suite.description)
        one, problems = plan_suite(prepared, runner, written, context, enabled=suite.enabled)
        located = [source.issue((*here, *key), problem) for key, problem in problems]
        if not suite.enabled:  # what a disabled suite's files lack is an error only once it is selected
            file_problems += [
                issue for (key, _), issue in zip(problems, located, strict=True) if key[:1] == ("options",)
            ]
            located = [issue for (key, _), issue in zip(problems, located, strict=True) if key[:1] != ("options",)]
        issues += located + (file_problems if suite.enabled else [])
        if one is not None:
            planned.append(one if suite.enabled else replace(one, file_problems=tuple(file_problems)))
    return planned, issues


@dataclass(frozen=True)
class SuiteContext:
    """What planning a suite needs to know beyond the suite itself."""

    preflight: PreflightContext
    has_baseline: bool  # the profile names a baseline: ``baseline.*`` and ``findings.*`` may be read
    no_baseline_hint: str = NO_BASELINE_HINT  # what to do when it does not (the profile's words by default)
    producer: str = ""  # who produces the metrics, in messages ("junit imports"); default "a <kind> suite"


def plan_suite(
    prepared: PreparedSuite,
    runner: Runner,
    written: Sequence[tuple[str, CriterionAction | None]],
    context: SuiteContext,
    *,
    enabled: bool = True,
) -> tuple[PlannedSuite | None, list[OptionIssue]]:
    """One suite whose options are valid: its criteria parsed and their names checked against the metrics
    its runner declares, its defaults, what its runner's preflight refuses and how it judges beyond its
    criteria. Problems come back as ``(key path below the suite, message)``: ``("criteria", 2)``,
    ``("options", "host")``; the suite is None when one of its criteria is refused."""
    options = prepared.options
    problems: list[OptionIssue] = [
        (("options", *key), message) for key, message in runner.preflight(options, context.preflight)
    ]
    known = runner.metric_names(options) | {"duration"}  # every suite's wall-clock time (the pipeline's)
    criteria: list[Criterion] = []
    for position, (text, action) in enumerate(written):
        try:
            criterion = parse_criterion(text, action)
        except CriterionSyntaxError as exc:
            # 'latency_p95 < 500ms': say the metric is unknown, not that its (unknown) unit does not fit
            problems.append(
                (("criteria", position), _unknown_in_unchecked(text, action, known, context, runner) or str(exc))
            )
            continue
        except RecursionError:  # the profile model bounds criteria; this is the last line of defence
            problems.append((("criteria", position), "the criterion is nested too deeply"))
            continue
        unknown = criterion_problem(
            criterion, known, context.producer or _producer(runner.kind), has_baseline=context.has_baseline,
            no_baseline_hint=context.no_baseline_hint,
        )  # fmt: skip
        if unknown:
            problems.append((("criteria", position), unknown))
            continue
        criteria.append(criterion)
    if len(criteria) < len(written):
        return None, problems
    defaults = tuple(parse_criterion(text) for text in runner.default_criteria_for(options))
    suite = replace(prepared, criteria=tuple(criteria))
    return PlannedSuite(suite, runner, defaults, enabled, tuple(runner.gate_notes(options))), problems


def _unknown_in_unchecked(
    text: str, action: CriterionAction | None, known: frozenset[str], context: SuiteContext, runner: Runner
) -> str:
    """For a criterion refused by its units: the unknown metric it names, or "" (the units error stands)."""
    try:
        unchecked = parse_criterion(text, action, check=False)
    except (CriterionSyntaxError, RecursionError):
        return ""
    return criterion_problem(
        unchecked, known, context.producer or _producer(runner.kind), has_baseline=context.has_baseline,
        no_baseline_hint=context.no_baseline_hint,
    )  # fmt: skip


def _producer(kind: str) -> str:
    """Who produces a suite's metrics, for messages: ``a performance suite``, ``an import suite``."""
    return f"{'an' if kind[:1] in 'aeio' else 'a'} {kind} suite"


def _declared_scope(source: Source) -> Scope | None:
    """The profile's scope, when its target section is valid (its own errors are reported elsewhere)."""
    try:
        return Scope(Target.model_validate(source.data.get("target")).effective_scope())
    except (ValidationError, ValueError):
        return None


def _target_issues(target: Target, source: Source) -> list[ProfileIssue]:
    """What the target would refuse: weaknesses the demo does not have."""
    here = ("target", "demo", "weaknesses")
    return [source.issue((*here, index), problem) for index, problem in unknown_weaknesses(target.demo.weaknesses)]


def select(plan: Plan, names: Sequence[str]) -> set[str]:
    """The suites to run: the named ones, or every enabled one. Raises ProfileError for unknown names."""
    known = [p.suite.name for p in plan.suites]
    if not names:
        return {p.suite.name for p in plan.suites if p.enabled}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ProfileError(
            [
                ProfileIssue(str(plan.loaded.path), None, "suites", f"no suite named {n!r}; suites: {', '.join(known)}")
                for n in unknown
            ]
        )
    problems = [issue for p in plan.suites if p.suite.name in names for issue in p.file_problems]
    if problems:  # a disabled suite selected by name: its files must exist too
        raise ProfileError(problems)
    return set(names)
