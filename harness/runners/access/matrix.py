"""The authorization matrix of ``kind: access-control`` suites: its options, the cells it expands to, and
how one response is judged (pure: no network).

Roles (each with the target's auth mechanisms, or none: ``anonymous`` is always added) × endpoints
(method, path template, example values, whose object each value is) → ``allowed`` / ``denied`` /
``own-only``. docs/access-control.md has a worked example.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.profile.model import Auth
from harness.profile.paths import PathSpec
from harness.results.model import RuleAction
from harness.results.severity import DEFAULT_FAIL_ON, FailOn

ANONYMOUS = "anonymous"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ROLE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Expect(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    OWN_ONLY = "own-only"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RoleSpec(Strict):
    """A role: how the harness authenticates as it (the target's auth kinds: login, bearer, header, basic)."""

    auth: Auth


class SetupStep(Strict):
    """A request sent before the matrix (as a role) to create objects; ``save`` keeps fields of its JSON
    answer as variables (``{name}``) that endpoints' values and later steps use."""

    role: str
    method: str = "POST"
    path: str
    body: dict[str, Any] | None = Field(default=None, alias="json")
    save: dict[str, str] = Field(default_factory=dict)  # variable -> field of the JSON answer


class EndpointSpec(Strict):
    method: str = "GET"
    path: str = Field(pattern=r"^/")
    params: dict[str, str] = Field(default_factory=dict)  # example values for allowed/denied cells
    owners: dict[str, dict[str, str]] = Field(default_factory=dict)  # role -> values of an object it owns
    body: dict[str, Any] | None = Field(default=None, alias="json")
    expect: dict[str, Expect]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def placeholders(self) -> list[str]:
        return _PLACEHOLDER.findall(self.path)


class AccessOptions(Strict):
    """``options`` of a ``kind: access-control`` suite: the matrix inline, or ``matrix_file`` (a YAML file
    with the same keys, relative to the profile that names it)."""

    matrix_file: Annotated[str | None, PathSpec("access matrix")] = None
    roles: dict[str, RoleSpec] = Field(default_factory=dict)
    setup: tuple[SetupStep, ...] = ()
    endpoints: tuple[EndpointSpec, ...] = ()
    denied_status: tuple[int, ...] = (401, 403, 404)  # answers that mean "denied"; 2xx means "allowed"
    fail_on: FailOn = DEFAULT_FAIL_ON  # violations are high-risk findings: they FAIL by default
    rules: dict[str, RuleAction] = Field(default_factory=dict)  # rule id -> action, over the severity policy

    @model_validator(mode="after")
    def _consistent(self) -> AccessOptions:
        if self.matrix_file is not None:
            if self.roles or self.setup or self.endpoints:
                raise ValueError("give the matrix inline (roles, setup, endpoints) or in matrix_file, not both")
            return self
        if not self.roles or not self.endpoints:
            raise ValueError("the matrix needs roles and endpoints (inline, or in a matrix_file)")
        problems = matrix_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def matrix_problems(options: AccessOptions) -> list[str]:
    """What makes the matrix unusable: unknown roles, own-only without owners, unset placeholders."""
    problems: list[str] = []
    roles = set(options.roles) | {ANONYMOUS}
    if ANONYMOUS in options.roles:
        problems.append(f"role {ANONYMOUS!r} is implicit (no credentials): do not declare it")
    for name in options.roles:
        if not re.match(_ROLE_NAME, name):
            problems.append(f"role name {name!r}: use letters, digits, '.', '_' or '-'")
    saved: set[str] = set()
    for index, step in enumerate(options.setup):
        if step.role not in options.roles:
            problems.append(f"setup[{index}]: unknown role {step.role!r}; declared: {', '.join(options.roles)}")
        saved |= set(step.save)
    for endpoint in options.endpoints:
        where = endpoint.label
        for role in [*endpoint.expect, *endpoint.owners]:
            if role not in roles:
                problems.append(f"{where}: unknown role {role!r}; declared: {', '.join(sorted(roles))}")
        needed = endpoint.placeholders()
        value_sets = [endpoint.params, *endpoint.owners.values()]
        for values in value_sets:
            missing = [name for name in needed if name not in values]
            if values and missing:
                problems.append(f"{where}: no value for {{{', '.join(missing)}}}")
            for value in values.values():
                unknown = [v for v in _PLACEHOLDER.findall(value) if v not in saved]
                if unknown:
                    problems.append(f"{where}: variable {{{unknown[0]}}} is saved by no setup step")
        if needed and not any(value_sets):
            problems.append(f"{where}: give params or owners for {{{', '.join(needed)}}}")
        for role, expect in endpoint.expect.items():
            if expect is Expect.OWN_ONLY and role not in endpoint.owners:
                problems.append(f"{where}: {role} is own-only but owners gives no object of {role}")
            if expect is Expect.OWN_ONLY and len(endpoint.owners) < 2:
                problems.append(f"{where}: own-only needs the objects of two owners to test another's")
    return problems


Violation = Literal["unauthenticated", "vertical", "horizontal"]


@dataclass(frozen=True)
class Cell:
    """One request of the matrix: a role calls an endpoint with values, and must be allowed or denied."""

    role: str
    endpoint: EndpointSpec
    values: Mapping[str, str]
    allowed: bool
    owner: str = ""  # whose object the values name ("" when the example params are used)

    @property
    def id(self) -> str:
        whose = f" [{self.owner}'s object]" if self.owner else ""
        return f"{self.role}: {self.endpoint.label}{whose}"

    @property
    def violation(self) -> Violation:
        """What it means when a cell that must be denied is allowed."""
        if self.role == ANONYMOUS:
            return "unauthenticated"
        if self.owner and self.owner != self.role and self.endpoint.expect.get(self.role) is Expect.OWN_ONLY:
            return "horizontal"
        return "vertical"


def cells(options: AccessOptions) -> tuple[list[Cell], list[tuple[str, str]]]:
    """Every cell of the matrix, and ``(role: endpoint, why)`` for the roles an endpoint gives no expectation.

    ``allowed``/``denied``: one call with the example ``params`` (else the first owner's values).
    ``own-only``: the role's own object must be allowed, every other owner's object denied.
    """
    found: list[Cell] = []
    unlisted: list[tuple[str, str]] = []
    for endpoint in options.endpoints:
        example = endpoint.params or next(iter(endpoint.owners.values()), {})
        example_owner = "" if endpoint.params else next(iter(endpoint.owners), "")
        for role in [ANONYMOUS, *options.roles]:
            expect = endpoint.expect.get(role)
            if expect is None:
                unlisted.append((f"{role}: {endpoint.label}", "unlisted"))
            elif expect is Expect.OWN_ONLY:
                for owner, values in endpoint.owners.items():
                    found.append(Cell(role, endpoint, values, allowed=owner == role, owner=owner))
            else:
                found.append(Cell(role, endpoint, example, expect is Expect.ALLOWED, owner=example_owner))
    return found, unlisted


def fill(template: str, variables: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by its variable (KeyError for an unknown one)."""
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), template)


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    INCONCLUSIVE = "inconclusive"


def classify(status: int, denied_status: tuple[int, ...]) -> Outcome:
    """2xx is allowed, a ``denied_status`` answer is denied, anything else (3xx, 400, 405, 5xx) proves
    neither: such a cell is not counted as tested."""
    if 200 <= status < 300:
        return Outcome.ALLOWED
    if status in denied_status:
        return Outcome.DENIED
    return Outcome.INCONCLUSIVE
