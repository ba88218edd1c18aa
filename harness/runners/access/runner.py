"""``kind: access-control``: log in as every role of the matrix (and as nobody), call every cell, and
report each request that reached what the matrix denies as a security finding (docs/access-control.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any, ClassVar

import requests
from pydantic import BaseModel, SecretStr

from harness.errors import HarnessError, ProfileError, RunnerSetupError, ScopeError
from harness.redaction import Redactor
from harness.results.findings import ALERT_METRICS
from harness.results.messages import message, policy_message
from harness.results.model import Message, StopRecord, SuiteResult, SuiteStatus, ToolInfo
from harness.runners.access.matrix import (
    ANONYMOUS,
    AccessOptions,
    Cell,
    Outcome,
    cells,
    classify,
    fill,
)
from harness.runners.access.matrix_file import effective, load_matrix
from harness.runners.access.verdicts import ACCESS_METRICS, Call, tally
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase
from harness.target.connect import auth_headers
from harness.target.http import ScopedSession
from harness.target.reachable import unreachable_reason

EXCERPT = 300  # characters of an answer kept as evidence


class AccessControlRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = AccessOptions
    default_criteria: ClassVar[tuple[str, ...]] = ("alerts.fail == 0", "access.unexpected_denials == 0")

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return ALERT_METRICS | ACCESS_METRICS

    def gate_notes(self, options: BaseModel) -> tuple[str, ...]:
        assert isinstance(options, AccessOptions)
        return (f"each request the matrix denies and the target allows is a high-risk finding (fail_on: "
                f"{options.fail_on}); a suite that could test no cell is an error",)  # fmt: skip

    def preflight(self, options: BaseModel, context: PreflightContext) -> list[OptionIssue]:
        """A matrix file that exists (the plan checks that) but is not a usable matrix."""
        assert isinstance(options, AccessOptions)
        if options.matrix_file is None or not Path(options.matrix_file).is_file():
            return []
        try:
            load_matrix(Path(options.matrix_file))
        except ProfileError as exc:
            return [(("matrix_file",), f"bad access matrix: {issue}") for issue in exc.issues]
        return []

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        try:
            options = effective(suite.options_as(AccessOptions))
        except ProfileError as exc:
            raise RunnerSetupError(message("setup.access.bad_matrix", detail=str(exc))) from None
        target = ctx.target
        if not target.base_url:
            raise RunnerSetupError(message("setup.access.no_base_url"))
        down = unreachable_reason(target.base_url, min(target.timeout, 5.0))
        if down:
            raise RunnerSetupError(message("setup.any.unreachable", detail=down))
        secrets = [s.get_secret_value() for s in _secrets(options)]
        with ExitStack() as stack:
            sessions: dict[str, ScopedSession] = {
                ANONYMOUS: stack.enter_context(
                    ScopedSession(target.base_url, target.scope, target.timeout, {}, target.verify_tls)
                )
            }
            for name, role in options.roles.items():
                try:
                    headers = auth_headers(role.auth, target.base_url, target.scope, target.timeout, target.verify_tls)
                except HarnessError as exc:
                    raise RunnerSetupError(message("setup.access.login_failed", role=name, detail=str(exc))) from None
                secrets += [v for v in headers.values()] + [v.split(" ", 1)[-1] for v in headers.values()]
                sessions[name] = stack.enter_context(
                    ScopedSession(target.base_url, target.scope, target.timeout, headers, target.verify_tls)
                )
            redactor = ctx.redactor.with_secrets(secrets)
            variables = _setup(options, sessions)
            planned, unlisted = cells(options)
            calls = [
                _call(cell, sessions[cell.role], variables, options, redactor)
                for cell in ctx.steps(planned, lambda cell: cell.id)
            ]
        result = tally(calls, unlisted, len(planned), options.fail_on, options.rules, len(options.endpoints))
        (ctx.raw_dir / "access-matrix.json").write_text(
            redactor.redact(json.dumps([_evidence(c) for c in calls], ensure_ascii=False, indent=1)),
            encoding="utf-8",
        )
        cancelled = len(calls) < len(planned)
        tested = int(result.metrics["access.cells_tested"])
        error = ""
        nothing: Message | None = None
        if cancelled:
            status = SuiteStatus.INCOMPLETE
            error = "cancelled before every cell was called"
        elif tested == 0:
            status = SuiteStatus.ERROR
            nothing = message("error.access.nothing_tested")
            error = str(nothing)
        elif result.metrics["alerts.fail"] or result.metrics["access.unexpected_denials"]:
            # the runner's own judgement; the pipeline then applies the suite's criteria
            status = SuiteStatus.FAILED
        else:
            status = SuiteStatus.PASSED
        notes = [
            message(
                "note.access.matrix",
                url=target.base_url,
                roles=len(options.roles) + 1,
                endpoints=len(options.endpoints),
                cells=len(planned) + len(unlisted),
                tested=tested,
            ),
            policy_message(options.fail_on, None),
            *([nothing] if nothing is not None else []),  # why the suite is an error, in every report language
        ]
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=status,
            tool=ToolInfo(name="access-control"),
            cases=result.cases,
            findings=result.findings,
            metrics=result.metrics,
            coverage=result.coverage,
            error=error,
            notes=tuple(notes),
            stopped=StopRecord(cause="cancelled") if cancelled else None,
        )


def _secrets(options: AccessOptions) -> list[SecretStr]:
    found: list[SecretStr] = []
    for role in options.roles.values():
        for field in ("password", "token", "value"):
            value = getattr(role.auth, field, None)
            if isinstance(value, SecretStr):
                found.append(value)
    return found


def _setup(options: AccessOptions, sessions: Mapping[str, ScopedSession]) -> dict[str, str]:
    """Run the setup steps; the variables they saved.

    Raises:
        RunnerSetupError: a step failed, or its answer lacks a field to save.
    """
    variables: dict[str, str] = {}
    for index, step in enumerate(options.setup):
        path = fill(step.path, variables)
        where = f"setup[{index}] {step.method.upper()} {path} as {step.role}"
        try:
            response = sessions[step.role].request(step.method.upper(), path, json=step.body)
        except (requests.RequestException, ScopeError) as exc:
            raise RunnerSetupError(message("setup.access.step_failed", step=where, error=type(exc).__name__)) from None
        if not 200 <= response.status_code < 300:
            raise RunnerSetupError(message("setup.access.step_status", step=where, status=response.status_code))
        try:
            payload: Any = response.json()
            for variable, field in step.save.items():
                variables[variable] = str(payload[field])
        except (ValueError, KeyError, TypeError):
            fields = str(sorted(step.save.values()))
            raise RunnerSetupError(message("setup.access.step_no_field", step=where, fields=fields)) from None
    return variables


def _call(
    cell: Cell, session: ScopedSession, variables: Mapping[str, str], options: AccessOptions, redactor: Redactor
) -> Call:
    values = {name: fill(value, variables) for name, value in cell.values.items()}
    path = fill(cell.endpoint.path, values)
    method = cell.endpoint.method.upper()
    url = session.resolve(path)
    auth = "" if cell.role == ANONYMOUS else "\nAuthorization: ***"
    body = f"\n\n{json.dumps(cell.endpoint.body, ensure_ascii=False)}" if cell.endpoint.body is not None else ""
    request = f"{method} {path} HTTP/1.1\nHost: {url.split('/')[2]}{auth}  (as {cell.role}){body}"
    resolved = Cell(cell.role, cell.endpoint, values, cell.allowed, cell.owner)
    try:
        response = session.request(method, path, json=cell.endpoint.body, allow_redirects=False)
    except (requests.RequestException, ScopeError) as exc:
        return Call(resolved, url, request, None, Outcome.INCONCLUSIVE, problem=type(exc).__name__)
    excerpt = redactor.redact(response.text[:EXCERPT])
    outcome = classify(response.status_code, options.denied_status)
    return Call(resolved, url, redactor.redact(request), response.status_code, outcome, excerpt)


def _evidence(call: Call) -> dict[str, object]:
    return {
        "cell": call.cell.id,
        "role": call.cell.role,
        "expected": "allowed" if call.cell.allowed else "denied",
        "request": call.request,
        "status": call.status,
        "outcome": call.outcome.value,
        "violation": call.cell.violation if call.violated else None,
        "excerpt": call.excerpt,
    }
