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

from harness.errors import ProfileError, ProfileIssue
from harness.gates import Criterion, CriterionSyntaxError, parse_criterion
from harness.gates.syntax import BinaryOp, Expression, Negate, Number
from harness.history.names import history_name_problem
from harness.profile import LoadedProfile, load_profile, validation_issues
from harness.profile.loader import valid_suites
from harness.profile.model import CriterionSpec, Suite, Target
from harness.profile.paths import path_issues, resolve_paths
from harness.profile.schedule import history_issues
from harness.profile.scope import Scope
from harness.profile.source import Source
from harness.results.model import CriterionAction
from harness.runners.base import PreparedSuite, Runner


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
        file_problems = path_issues(options, source, (*here, "options"))  # quoting the paths as written
        options = resolve_paths(options, source, (*here, "options"))  # relative to the file that wrote each
        file_problems += _file_issues(runner, options, source, (*here, "options"))
        if suite.enabled:
            issues += file_problems
        criteria: list[Criterion] = []
        for position, written in enumerate(suite.criteria):
            path = (*here, "criteria", position)
            text, action = (written.expect, written.action) if isinstance(written, CriterionSpec) else (written, None)
            try:
                criterion = parse_criterion(text, action)
            except CriterionSyntaxError as exc:
                # 'latency_p95 < 500ms': say the metric is unknown, not that its (unknown) unit does not fit
                unknown = _unknown_in_unchecked(text, action, runner, options, has_baseline)
                issues.append(source.issue(path, unknown or str(exc)))
                continue
            except RecursionError:  # the profile model bounds criteria; this is the last line of defence
                issues.append(source.issue(path, "the criterion is nested too deeply"))
                continue
            unknown = _meaningless(criterion) or _unknown_metrics(criterion, runner, options, has_baseline)
            if unknown:
                issues.append(source.issue(path, unknown))
                continue
            criteria.append(criterion)
        defaults = tuple(parse_criterion(text) for text in _default_criteria(runner, options))
        prepared = PreparedSuite(suite.name, suite.kind, options, tuple(criteria), suite.timeout, suite.description)
        problems = () if suite.enabled else tuple(file_problems)
        planned.append(PlannedSuite(prepared, runner, defaults, suite.enabled, _gate_notes(runner, options), problems))
    return planned, issues


def _declared_scope(source: Source) -> Scope | None:
    """The profile's scope, when its target section is valid (its own errors are reported elsewhere)."""
    try:
        return Scope(Target.model_validate(source.data.get("target")).effective_scope())
    except (ValidationError, ValueError):
        return None


def _option_scope_issues(
    runner: Runner, options: object, scope: Scope | None, source: Source, here: tuple[str | int, ...]
) -> list[ProfileIssue]:
    """URLs in a suite's options that the run would refuse as outside the scope: ``validate`` says so first.
    Runners whose options name hosts offer ``scope_issues(options, scope)`` -> [(key path, message)]."""
    check = getattr(runner, "scope_issues", None)
    if scope is None or not callable(check):
        return []
    return [source.issue((*here, *key), message) for key, message in check(options, scope)]


def _file_issues(
    runner: Runner, options: object, source: Source, here: tuple[str | int, ...]
) -> list[ProfileIssue]:
    """What is wrong with the files a suite's options name beyond their existence (which the PathSpec marks
    of the options model check): a checklist or rule file that does not parse. Runners offer
    ``file_issues(options, base_dir) -> [(key path, message)]``, given the options with every marked path
    already absolute and the top profile's folder for anything else; key paths are relative to the options."""
    check = getattr(runner, "file_issues", None)
    if not callable(check):
        return []
    return [source.issue((*here, *key), message) for key, message in check(options, source.root.parent)]


def _default_criteria(runner: Runner, options: object) -> tuple[str, ...]:
    """A runner's defaults; runners whose defaults depend on the options (``kind: import`` by format)
    may offer ``default_criteria_for(options)``."""
    for_options = getattr(runner, "default_criteria_for", None)
    return tuple(for_options(options)) if callable(for_options) else runner.default_criteria


def _gate_notes(runner: Runner, options: object) -> tuple[str, ...]:
    """A runner's optional ``gate_notes(options)``: e.g. the severity policy of a security suite."""
    notes = getattr(runner, "gate_notes", None)
    return tuple(notes(options)) if callable(notes) else ()


def _meaningless(criterion: Criterion) -> str:
    """A criterion that measures nothing (``1 < 2``) or divides by a written zero (``failed / 0 < 1``):
    it would pass or fail whatever the suite did."""
    if not criterion.references:
        return "compares numbers only: name a metric, e.g. failed == 0 or p95 < 500ms"
    if any(_divides_by_zero(side) for side in (criterion.left, criterion.right)):
        return "divides by 0: the criterion can never be evaluated"
    return ""


def _divides_by_zero(expression: Expression) -> bool:
    if isinstance(expression, BinaryOp):
        divisor = expression.right.operand if isinstance(expression.right, Negate) else expression.right
        if expression.op == "/" and isinstance(divisor, Number) and divisor.value == 0:
            return True
        return _divides_by_zero(expression.left) or _divides_by_zero(expression.right)
    return isinstance(expression, Negate) and _divides_by_zero(expression.operand)


def _unknown_in_unchecked(
    text: str, action: CriterionAction | None, runner: Runner, options: object, has_baseline: bool
) -> str:
    """For a criterion refused by its units: the unknown metric it names, or "" (the units error stands)."""
    try:
        unchecked = parse_criterion(text, action, check=False)
    except (CriterionSyntaxError, RecursionError):
        return ""
    return _unknown_metrics(unchecked, runner, options, has_baseline)


def _unknown_metrics(criterion: Criterion, runner: Runner, options: object, has_baseline: bool) -> str:
    """A message naming the first metric the suite will not produce, or ""."""
    known = runner.metric_names(options)  # type: ignore[arg-type]
    for reference in criterion.references:
        history = history_name_problem(reference, known, has_baseline)  # baseline.*, findings.new.* ...
        if history is not None:
            if history:
                return history
            continue
        if any(segment.args is not None for segment in reference.segments):
            continue  # endpoint("...") and friends are resolved against results, not known in advance
        name = reference.dotted
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; it produces: {', '.join(sorted(known))}"
            return f"metric {name!r} is not produced by a {runner.kind} suite{hint}"
    return ""


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
