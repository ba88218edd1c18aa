"""One run's link to the history: recorded when it starts and when it ends, compared with its baseline,
and the baselines the gate judges ``p95 <= baseline.p95 * 1.10`` and ``findings.new.high == 0`` with (it
implements :class:`harness.gates.Baselines`; the gate decides what they mean).

The baseline is chosen per suite, among runs that started before this one:

- ``last-pass``: the newest PASS run of the profile in which the suite completed;
- ``previous``: the newest finished run of the profile in which the suite completed, whatever its verdict;
- a run id, or a tag set with ``harness history tag RUN --as NAME`` (for the run's profile).

With ``last-pass``/``previous`` and no such run yet (the first run), criteria that read ``baseline.*``
are reported as warnings ("not checked: nothing to compare with yet") so that run can pass and become the
baseline, and every finding counts as new. A baseline that names a missing run or tag is an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.criteria import MetricMissing
from harness.errors import HarnessError
from harness.gates import Baseline
from harness.history.compare import compare_suite, count
from harness.history.location import HISTORY_FILE, HistoryLocation, profile_history
from harness.history.records import RunRecord, SuiteSnapshot
from harness.profile import LoadedProfile
from harness.profile.schedule import BASELINE_KEYWORDS
from harness.results.messages import message
from harness.results.model import (
    Comparison,
    Endpoint,
    Risk,
    RunResult,
    SuiteComparison,
    SuiteResult,
    SuiteStatus,
    Text,
    Verdict,
)

if TYPE_CHECKING:
    from harness.history.runs import RunStore

__all__ = ["HISTORY_FILE", "RunHistory", "history_location"]
log = logging.getLogger("harness.history")


def history_location(
    loaded: LoadedProfile, override: HistoryLocation | Path | str | None = None
) -> HistoryLocation | None:
    """Where this profile's runs are recorded: ``override`` (--history, a path or a PostgreSQL URL), else the
    rule of :mod:`harness.history.location` (the profile's ``history:``, else ``<output.dir>/history.sqlite``);
    None when the history is off. Where the run directories go (``--out``) plays no part.

    Raises:
        HistoryError: ``override`` is a URL that cannot be used.
    """
    if override is not None:
        return HistoryLocation.of(override)
    return profile_history(loaded)


@dataclass(frozen=True)
class _Choice:
    """The baseline of one suite: a run and its suite, or why there is none."""

    run: RunRecord | None = None
    suite: SuiteSnapshot | None = None
    problem: Text = ""  # a configuration problem: criteria reading the baseline cannot be evaluated
    first: Text = ""  # nothing to compare with yet (last-pass / previous on a fresh history)


class RunHistory:
    """Created before a run starts; raises nothing after :meth:`open` (problems become messages)."""

    def __init__(self, store: RunStore | None, profile: str, baseline: str | None) -> None:
        self.store = store
        self.profile = profile
        self.baseline = baseline
        self._run: RunResult | None = None
        self._choices: dict[str, _Choice] = {}

    @classmethod
    def open(cls, loaded: LoadedProfile, where: HistoryLocation | None) -> RunHistory:
        """Raises HistoryError when the database at ``where`` cannot be used (before anything runs)."""
        return cls.at(where, loaded.name, loaded.profile.baseline)

    @classmethod
    def at(cls, where: HistoryLocation | None, profile: str, baseline: str | None) -> RunHistory:
        """The history of ``profile``'s runs at ``where`` (None: no history), judging baselines by ``baseline``
        (``last-pass``, ``previous``, a run id or a tag). Raises HistoryError when the database cannot be used."""
        from harness.history.runs import RunStore  # SQLAlchemy loads only when a history is used

        store = RunStore.open(where) if where is not None else None
        return cls(store, profile, baseline)

    def begin(self, run: RunResult, run_dir: Path) -> None:
        """Record the run as started, so a run that is killed still shows up (INCOMPLETE, never finished).
        A failure here is logged; :meth:`finish` tries again and reports."""
        self._run = run
        self._record(run, run_dir)

    def finish(self, run: RunResult, run_dir: Path) -> list[str]:
        """Record the finished run; returns error messages (the run directory is complete either way)."""
        return self._record(run, run_dir)

    def _record(self, run: RunResult, run_dir: Path) -> list[str]:
        if self.store is None:
            return []
        try:
            self.store.record(run, run_dir)
        except HarnessError as exc:
            log.error("recording the run in the history failed: %s", exc)
            return [f"history: {exc}"]
        return []

    def _choice(self, suite: str) -> _Choice:
        if suite not in self._choices:
            self._choices[suite] = self._choose(suite)
        return self._choices[suite]

    def _choose(self, suite: str) -> _Choice:
        spec, store, run = self.baseline, self.store, self._run
        if spec is None:
            return _Choice(problem=message("history.no_baseline"))
        if store is None or run is None:
            return _Choice(problem=message("history.disabled"))
        try:
            if spec in BASELINE_KEYWORDS:
                verdict = Verdict.PASS if spec == "last-pass" else None
                found = store.latest_with_suite(self.profile, suite, run.started, verdict=verdict, exclude=run.run_id)
                if found is None:
                    key = "history.first_pass" if verdict else "history.first_run"
                    return _Choice(first=message(key, profile=self.profile, suite=suite))
                return _Choice(run=found, suite=found.suite(suite))
            found = store.get(spec) or store.tagged(self.profile, spec)
        except HarnessError as exc:
            return _Choice(problem=f"the history cannot be read: {exc}")
        if found is None:
            return _Choice(
                problem=f"baseline {spec!r} is neither a recorded run id nor a tag of profile {self.profile} "
                f"(set one with `harness history tag RUN --as {spec}`)"
            )
        snapshot = found.suite(suite)
        if snapshot is None or not snapshot.completed:
            return _Choice(problem=message("history.baseline_incomplete", run=found.run_id, suite=suite))
        return _Choice(run=found, suite=snapshot)

    def baseline_of(self, suite: SuiteResult) -> Baseline:
        """The baseline of ``suite`` (:class:`harness.gates.Baselines`): the same-named suite of the baseline
        run and counts of findings compared with it, or why there is none."""
        choice = self._choice(suite.name)
        if choice.problem:
            return Baseline(problem=choice.problem)
        baseline_suite = None
        if choice.suite is not None and choice.run is not None:
            snapshot = choice.suite
            baseline_suite = SuiteResult(
                name=f"{snapshot.name} of baseline run {choice.run.run_id}", kind=snapshot.kind,
                status=snapshot.status, metrics=dict(snapshot.metrics),
                endpoints=tuple(Endpoint(name=n, metrics=dict(m)) for n, m in snapshot.endpoints.items()),
            )  # fmt: skip

        def findings(which: str, risk: Risk | None) -> float:
            comparison = compare_suite(SuiteSnapshot.of(suite), choice.suite, choice.run, choice.first)
            if comparison.baseline_run and comparison.note:  # one side did not complete: counting would be guessing
                raise MetricMissing(comparison.note)
            return count(getattr(comparison, which), risk)

        return Baseline(suite=baseline_suite, findings=findings, first=choice.first)

    def comparison(self, run: RunResult) -> Comparison | None:
        """What changed since the baseline, for run.json, the report and summary.json; None without a baseline."""
        if self.baseline is None:
            return None
        suites: list[SuiteComparison] = []
        for suite in run.suites:
            if suite.status is SuiteStatus.SKIPPED:
                continue
            choice = self._choice(suite.name)
            if choice.problem:
                suites.append(SuiteComparison(suite=suite.name, note=choice.problem))
            else:
                suites.append(compare_suite(SuiteSnapshot.of(suite), choice.suite, choice.run, choice.first))
        return Comparison(baseline=self.baseline, suites=tuple(suites))
