"""Turn a loaded profile into a runnable plan: runner per suite, options validated, criteria parsed.

This is the second half of ``harness validate``: the profile layer checks structure; here every suite's
kind, runner options and criteria are checked against the runners that will execute them, with errors
located at FILE:LINE: key.path like any other profile error.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from harness.criteria import Criterion, CriterionSyntaxError, parse_criterion
from harness.criteria.names import criterion_problem
from harness.errors import ProfileError, ProfileIssue
from harness.profile import LoadedProfile, load_profile, validation_issues
from harness.profile.loader import valid_suites
from harness.profile.model import CriterionSpec, Suite, Target
from harness.profile.schedule import history_issues
from harness.profile.scope import Scope
from harness.profile.source import Source
from harness.runners.base import PreparedSuite, Runner
from harness.target.managed import unknown_weaknesses


@dataclass(frozen=True)
class PlannedSuite:
    suite: PreparedSuite
    runner: Runner
    default_criteria: tuple[Criterion, ...]  # used only when the profile lists none
    enabled: bool
    gate_notes: tuple[str, ...] = ()  # how the suite's runner judges beyond its criteria (severity policy)

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


def load_plan(path: Path, runners: dict[str, Runner]) -> Plan:
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


def make_plan(loaded: LoadedProfile, runners: dict[str, Runner]) -> Plan:
    """Raises ProfileError with every problem in the suites (unknown kinds, options, criteria)."""
    planned, issues = plan_suites(loaded.source, list(enumerate(loaded.profile.suites)), runners)
    issues += history_issues(loaded.profile, loaded.source)  # schedule, notify, baseline
    issues += _target_issues(loaded.profile.target, loaded.source)
    if issues:
        raise ProfileError(issues, source=loaded.source)
    return Plan(loaded, tuple(planned))


def plan_suites(
    source: Source, suites: list[tuple[int, Suite]], runners: dict[str, Runner]
) -> tuple[list[PlannedSuite], list[ProfileIssue]]:
    issues: list[ProfileIssue] = []
    planned: list[PlannedSuite] = []
    has_baseline = source.data.get("baseline") is not None
    scope = _declared_scope(source)
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
        issues += _option_scope_issues(runner, options, scope, source, (*here, "options"))
        criteria: list[Criterion] = []
        for position, written in enumerate(suite.criteria):
            path = (*here, "criteria", position)
            text, action = (written.expect, written.action) if isinstance(written, CriterionSpec) else (written, None)
            try:
                criterion = parse_criterion(text, action)
            except CriterionSyntaxError as exc:
                issues.append(source.issue(path, str(exc)))
                continue
            except RecursionError:  # the profile model bounds criteria; this is the last line of defence
                issues.append(source.issue(path, "the criterion is nested too deeply"))
                continue
            known = runner.metric_names(options)
            unknown = criterion_problem(criterion, known, f"a {runner.kind} suite", has_baseline=has_baseline)
            if unknown:
                issues.append(source.issue(path, unknown))
                continue
            criteria.append(criterion)
        defaults = tuple(parse_criterion(text) for text in _default_criteria(runner, options))
        prepared = PreparedSuite(suite.name, suite.kind, options, tuple(criteria), suite.timeout, suite.description)
        planned.append(PlannedSuite(prepared, runner, defaults, suite.enabled, _gate_notes(runner, options)))
    return planned, issues


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


def _option_scope_issues(
    runner: Runner, options: object, scope: Scope | None, source: Source, here: tuple[str | int, ...]
) -> list[ProfileIssue]:
    """URLs in a suite's options that the run would refuse as outside the scope: ``validate`` says so first.
    Runners whose options name hosts offer ``scope_issues(options, scope)`` -> [(key path, message)]."""
    check = getattr(runner, "scope_issues", None)
    if scope is None or not callable(check):
        return []
    return [source.issue((*here, *key), message) for key, message in check(options, scope)]


def _default_criteria(runner: Runner, options: object) -> tuple[str, ...]:
    """A runner's defaults; runners whose defaults depend on the options (``kind: import`` by format)
    may offer ``default_criteria_for(options)``."""
    for_options = getattr(runner, "default_criteria_for", None)
    return tuple(for_options(options)) if callable(for_options) else runner.default_criteria


def _gate_notes(runner: Runner, options: object) -> tuple[str, ...]:
    """A runner's optional ``gate_notes(options)``: e.g. the severity policy of a security suite."""
    notes = getattr(runner, "gate_notes", None)
    return tuple(notes(options)) if callable(notes) else ()


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
    return set(names)
