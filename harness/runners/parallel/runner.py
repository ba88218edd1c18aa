"""``kind: parallel-run``: replay a request set against the old system (primary), a second instance of it
(secondary, optional) and the new system (candidate); compare the answers field by field, leave out what
differs between the two old instances (noise, as Twitter's Diffy does), and check that both systems'
databases hold the same data (docs/parallel-run.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import requests
from pydantic import BaseModel

from harness.errors import RunnerSetupError, ScopeError
from harness.profile.model import Target
from harness.redaction import Redactor
from harness.results.messages import message
from harness.results.model import Message, StopRecord, SuiteResult, SuiteStatus, ToolInfo
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.runners.parallel.compare import Answer, FieldDiff, compare
from harness.runners.parallel.data import (
    DataError,
    TableOutcome,
    compare_table,
    connect,
    measure,
    shown_url,
    url_password,
)
from harness.runners.parallel.options import DEMO_DATABASE, ParallelOptions
from harness.runners.parallel.requestset import Replay, RequestSet, RequestSetError, load_request_set
from harness.runners.parallel.verdicts import DATA_METRICS, PARALLEL_METRICS, Exchange, tally
from harness.target.handle import TargetHandle
from harness.target.http import ScopedSession
from harness.target.managed import demo_database
from harness.target.opening import open_target

BODY_KEPT = 2_000_000  # characters of an answer read for comparison


class ParallelRunRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = ParallelOptions
    default_criteria: ClassVar[tuple[str, ...]] = ("parallel.mismatches == 0",)

    def needs_target(self, options: BaseModel) -> bool:
        """Only a suite without its own candidate compares against the profile's target."""
        assert isinstance(options, ParallelOptions)
        return options.candidate is None

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        assert isinstance(options, ParallelOptions)
        return PARALLEL_METRICS | (DATA_METRICS if options.data is not None else frozenset())

    def default_criteria_for(self, options: BaseModel) -> tuple[str, ...]:
        assert isinstance(options, ParallelOptions)
        return ("parallel.mismatches == 0",) + (("data.mismatched_tables == 0",) if options.data else ())

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        assert isinstance(options, ParallelOptions)
        noise = "fields that also differ between primary and secondary are noise" if options.secondary else (
            "no secondary: every difference counts")  # fmt: skip
        return (f"each request whose answers differ (status, headers {list(options.compare.headers)}, JSON "
                f"fields) is a failed case; {noise}; a data table whose checks differ fails",)  # fmt: skip

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        """A request set that exists but cannot be read; a system's URL outside the profile's scope."""
        assert isinstance(options, ParallelOptions)
        issues: list[OptionIssue] = []
        if Path(options.requests).is_file():
            try:
                load_request_set(Path(options.requests), options.origin)
            except RequestSetError as exc:
                issues.append((("requests",), str(exc)))
        for name in ("primary", "secondary", "candidate"):
            system: Target | None = getattr(options, name)
            if system is not None and system.base_url and context.scope is not None:
                problem = context.scope.problem(system.base_url)
                if problem:
                    issues.append(((name, "base_url"), problem))
        return issues

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(ParallelOptions)
        try:
            request_set = load_request_set(Path(options.requests), options.origin)
        except RequestSetError as exc:
            raise RunnerSetupError(message("setup.parallel-run.requests", problem=str(exc))) from None
        replays = request_set.requests[: options.max_requests]
        secrets = [url_password(url) for url in _database_urls(options)]
        redactor = ctx.redactor.with_secrets([s for s in secrets if s])
        with ExitStack() as stack:
            systems: dict[str, TargetHandle] = {}
            workdirs: dict[str, Path] = {}
            for name in ("primary", "secondary", "candidate"):
                spec: Target | None = getattr(options, name)
                if spec is None and name == "secondary":
                    continue
                systems[name] = self._open(name, spec, ctx, stack, workdirs)
            credentials = [v for h in systems.values() for v in h.headers.values()]
            redactor = redactor.with_secrets(credentials + [v.split(" ", 1)[-1] for v in credentials])
            sessions = {
                name: stack.enter_context(
                    ScopedSession(handle.base_url, ctx.target.scope, handle.timeout, handle.headers, handle.verify_tls)
                )
                for name, handle in systems.items()
            }
            exchanges = [
                _exchange(index, replay, sessions, options, redactor)
                for index, replay in enumerate(ctx.steps(replays, lambda replay: replay.label))
            ]
            tables: list[TableOutcome] = []
            if options.data is not None and not ctx.cancel.cancelled:
                tables = _data_checks(options, workdirs, redactor)
        cancelled = len(exchanges) < len(replays) or (options.data is not None and not tables)
        result = tally(exchanges, tables, options.data is not None)
        (ctx.raw_dir / "parallel-run.json").write_text(
            redactor.redact(json.dumps(result.evidence, ensure_ascii=False, indent=1)), encoding="utf-8"
        )
        notes = self._notes(options, request_set, replays, systems, result.metrics)
        failed_queries = [t for t in tables if t.error]
        error = ""
        if cancelled:
            status = SuiteStatus.INCOMPLETE
            error = "cancelled before every request was replayed and every table checked"
        elif failed_queries:
            status = SuiteStatus.INCOMPLETE
            error = "; ".join(f"table {t.table}: {t.error}" for t in failed_queries)
        elif result.metrics["parallel.mismatches"] or result.metrics.get("data.mismatched_tables"):
            status = SuiteStatus.FAILED  # the runner's own judgement; the suite's criteria decide the verdict
        else:
            status = SuiteStatus.PASSED
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=status,
            tool=ToolInfo(name="parallel-run"),
            cases=result.cases,
            metrics=result.metrics,
            error=redactor.redact(error),
            notes=tuple(notes),
            stopped=StopRecord(cause="cancelled") if cancelled else None,
        )

    def _open(
        self, name: str, spec: Target | None, ctx: RunContext, stack: ExitStack, workdirs: dict[str, Path]
    ) -> TargetHandle:
        """The system ``name``: started or reached from its own target section (the profile's target for a
        candidate given none), inside the profile's scope.

        Raises:
            RunnerSetupError: it cannot be started or reached, or its URL is outside the profile's scope.
        """
        if spec is None:
            if not ctx.target.base_url:
                raise RunnerSetupError(message("setup.parallel-run.no_candidate"))
            return ctx.target
        workdir = ctx.raw_dir / name
        try:
            opened = stack.enter_context(open_target(spec, workdir))
            if opened.handle.base_url:
                ctx.target.scope.check_url(opened.handle.base_url)
        except ScopeError as exc:
            raise RunnerSetupError(message("setup.parallel-run.system", system=name, problem=str(exc))) from None
        if opened.problem:
            raise RunnerSetupError(message("setup.parallel-run.system", system=name, problem=opened.problem))
        if spec.start == "demo":
            workdirs[name] = workdir
        return opened.handle

    def _notes(
        self,
        options: ParallelOptions,
        request_set: RequestSet,
        replays: tuple[Replay, ...],
        systems: Mapping[str, TargetHandle],
        metrics: Mapping[str, float],
    ) -> list[Message]:
        def who(name: str) -> str:
            handle = systems[name]
            return f"{handle.base_url} {handle.version}".strip()

        notes = [
            message(
                "note.parallel.replay",
                requests=len(replays),
                source=Path(options.requests).name,
                primary=who("primary"),
                candidate=who("candidate"),
            )
        ]
        if request_set.origin:
            notes.append(
                message(
                    "note.parallel.har",
                    origin=request_set.origin,
                    used=len(request_set.requests),
                    skipped=request_set.skipped,
                )
            )
        if request_set.openapi:
            notes.append(
                message("note.parallel.openapi", used=len(request_set.requests), skipped=request_set.skipped)
            )
        if len(request_set.requests) > len(replays):
            notes.append(message("note.parallel.capped", limit=options.max_requests, total=len(request_set.requests)))
        if "secondary" in systems:
            notes.append(
                message("note.parallel.noise", secondary=who("secondary"), fields=int(metrics["parallel.noise_fields"]))
            )
        else:
            notes.append(message("note.parallel.no_secondary"))
        if options.data is not None:
            notes.append(
                message(
                    "note.parallel.data",
                    primary=_database_shown(options.data.primary),
                    candidate=_database_shown(options.data.candidate),
                    tables=len(options.data.tables),
                )
            )
        return notes


def _database_urls(options: ParallelOptions) -> list[str]:
    if options.data is None:
        return []
    return [url for url in (options.data.primary, options.data.candidate) if url != DEMO_DATABASE]


def _database_shown(url: str) -> str:
    return url if url == DEMO_DATABASE else shown_url(url)


def _database_url(name: str, url: str, workdirs: Mapping[str, Path]) -> str:
    if url != DEMO_DATABASE:
        return url
    return f"sqlite:///{demo_database(workdirs[name])}"


def _send(session: ScopedSession, replay: Replay) -> Answer:
    try:
        response = session.request(
            replay.method,
            replay.path,
            headers=replay.headers,
            json=replay.json_body if replay.has_json else None,
            data=replay.body.encode("utf-8") if replay.body is not None else None,
            allow_redirects=False,
        )
    except (requests.RequestException, ScopeError) as exc:
        return Answer(problem=f"no answer: {type(exc).__name__}")
    body = response.text[:BODY_KEPT]
    headers = {k.lower(): v for k, v in response.headers.items()}
    try:
        parsed = json.loads(body) if body.strip() else None
        is_json = parsed is not None or "json" in headers.get("content-type", "")
    except ValueError:
        parsed, is_json = None, False
    return Answer(response.status_code, headers, parsed, body if not is_json else "", is_json)


def _exchange(
    index: int, replay: Replay, sessions: Mapping[str, ScopedSession], options: ParallelOptions, redactor: Redactor
) -> Exchange:
    answers = {name: _send(session, replay) for name, session in sessions.items()}
    limit = options.excerpt
    differences = compare(answers["primary"], answers["candidate"], options.compare, limit)
    noise = compare(answers["primary"], answers["secondary"], options.compare, limit) if "secondary" in answers else []
    body = ""
    if replay.has_json:
        body = "\n\n" + json.dumps(replay.json_body, ensure_ascii=False)
    elif replay.body:
        body = "\n\n" + replay.body[:limit]
    shown_headers = "".join(f"\n{k}: {v}" for k, v in replay.headers.items())
    request = redactor.redact(f"{replay.method} {replay.path} HTTP/1.1{shown_headers}{body}")
    return Exchange(
        index=index,
        label=redactor.redact(replay.label),
        request=request,
        statuses={name: answer.shown for name, answer in answers.items()},
        differences=tuple(_redacted(d, redactor) for d in differences),
        noise=tuple(_redacted(d, redactor) for d in noise if not d.ignored),
    )


def _redacted(diff: FieldDiff, redactor: Redactor) -> FieldDiff:
    return replace(diff, left=redactor.redact(diff.left), right=redactor.redact(diff.right))


def _data_checks(options: ParallelOptions, workdirs: Mapping[str, Path], redactor: Redactor) -> list[TableOutcome]:
    """Every table's checks in both databases.

    Raises:
        RunnerSetupError: a database cannot be reached (the message holds no password).
    """
    from sqlalchemy.exc import SQLAlchemyError  # imported when data is checked: validate stays light

    assert options.data is not None
    data = options.data
    measured: dict[str, list[object]] = {}
    for name, url in (("primary", data.primary), ("candidate", data.candidate)):
        resolved = _database_url(name, url, workdirs)
        values: list[object] = []
        try:
            with connect(resolved, data.timeout) as connection:
                for check in data.tables:
                    try:
                        values.append(measure(connection, check))
                    except (SQLAlchemyError, ValueError) as exc:  # the database's own words, per table
                        values.append(_query_problem(exc))
                        connection.rollback()
        except DataError as exc:
            raise RunnerSetupError(
                message(
                    "setup.parallel-run.database",
                    system=name,
                    url=_database_shown(url),
                    problem=redactor.redact(str(exc)),
                )
            ) from None
        measured[name] = values
    outcomes: list[TableOutcome] = []
    for check, left, right in zip(data.tables, measured["primary"], measured["candidate"], strict=True):
        if isinstance(left, str) or isinstance(right, str):
            problem = "; ".join(
                f"{side}: {value}" for side, value in (("old", left), ("new", right)) if isinstance(value, str)
            )
            outcomes.append(TableOutcome(check.table, error=redactor.redact(problem)))
        else:
            outcomes.append(compare_table(check, left, right))  # type: ignore[arg-type]
    return outcomes


def _query_problem(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return f"query failed: {lines[0] if lines else type(original).__name__}"
