"""The profile: what to test, against what, how to judge it and who signs (pydantic v2 models).

Suite ``options`` stay a mapping here: each runner validates its own options (see runners/base.py), so
this module need not know every suite kind.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from harness.profile.schedule import Baseline, HistorySettings, NotifySpec, Schedules
from harness.profile.stages import DEFAULT_STAGES, StageSpec, check_stage_plan, default_plan
from harness.redaction import REDACTED
from harness.results.model import CriterionAction, Signatory

STAGES: tuple[str, ...] = DEFAULT_STAGES  # the default plan; a profile's `stages:` may rename, skip or add

Secret = Annotated[SecretStr, PlainSerializer(lambda _: REDACTED, return_type=str, when_used="always")]
"""A secret value: read with ``.get_secret_value()``, shown and stored as ``***``."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Strict(BaseModel):
    """Profile sections reject unknown keys (the loader adds "did you mean" suggestions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Project(Strict):
    name: str = Field(min_length=1)
    system: str = ""
    version: str = ""
    stage: str = Field(default="testing", pattern=r"^[a-z][a-z0-9-]*$", description="a stage id of `stages:`")


class BearerAuth(Strict):
    type: Literal["bearer"]
    token: Secret


class HeaderAuth(Strict):
    type: Literal["header"]
    name: str = Field(min_length=1)
    value: Secret


class BasicAuth(Strict):
    type: Literal["basic"]
    username: str
    password: Secret


class LoginAuth(Strict):
    """Log in once before the suites and send the returned token as ``Authorization: Bearer``."""

    type: Literal["login"]
    url: str = "/api/auth/token"
    username: str
    password: Secret
    token_field: str = "access_token"


Auth = Annotated[BearerAuth | HeaderAuth | BasicAuth | LoginAuth, Field(discriminator="type")]


class DemoTarget(Strict):
    """Options of the bundled demo target (``target.start: demo``).

    The names of ``weaknesses`` are the demo's own business: ``harness validate`` checks them against the
    demo target (harness/target/managed.py), which is the part of the harness that knows it.
    """

    weaknesses: list[str] | Literal["all", "none"] = "all"
    # which release of the demo runs: "new" is today's service; "old" is its predecessor, for parallel-run
    # suites (docs/parallel-run.md): due dates as 2026/01/31 and the construction fee without the reduced
    # rate beyond 1000 m²
    version: Literal["old", "new"] = "new"
    metrics: bool = Field(
        default=False, description="serve Prometheus metrics at /metrics (request counts, a latency histogram)"
    )
    added_latency_ms: float = Field(
        default=0.0,
        ge=0,
        le=10_000,
        description="milliseconds the demo waits before answering each API request (a slower release, "
        "for canary suites); /health and /version stay fast",
    )


class Target(Strict):
    name: str = ""
    environment: str = ""
    start: Literal["demo"] | None = None
    demo: DemoTarget = DemoTarget()
    base_url: str | None = None
    scope: list[str] = Field(default_factory=list)
    auth: Auth | None = None
    timeout: float = Field(default=10.0, gt=0, le=600)
    verify_tls: bool = True
    version_path: str | None = Field(default=None, description="GET path answering the target's version")
    startup_timeout: float = Field(default=30.0, gt=0, le=600)

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError as exc:  # a port that is not a number in 0-65535, a broken [IPv6] host
            raise ValueError(f"is not a valid URL ({exc})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if port == 0:
            raise ValueError("port 0 is not a port a server listens on")
        if parts.username is not None or parts.password is not None:
            raise ValueError(
                "must not contain a user name or password: put credentials in target.auth "
                "(e.g. {type: basic, username: ..., password: \"${PASSWORD}\"}), where they are kept secret"
            )
        if any(ord(c) < 33 or c == "\x7f" for c in value):
            raise ValueError("must not contain spaces or control characters")
        return value.rstrip("/")

    @field_validator("scope")
    @classmethod
    def _check_scope(cls, value: list[str]) -> list[str]:
        for entry in value:
            if "/" in entry:
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(f"{entry!r} is neither a host name, a wildcard nor a CIDR network") from None
        return value

    @model_validator(mode="after")
    def _one_way_to_reach(self) -> Target:
        if (self.start is None) == (self.base_url is None):
            raise ValueError("give exactly one of target.start (a system the harness starts) or target.base_url")
        return self

    def effective_scope(self) -> list[str]:
        """The declared scope, or the base URL's own host (loopback for a started demo)."""
        if self.scope:
            return list(self.scope)
        if self.base_url:
            return [urlsplit(self.base_url).hostname or ""]
        return ["127.0.0.1", "localhost"]


MAX_CRITERION_CHARS = 500
MAX_CRITERION_NESTING = 16
MAX_CRITERION_OPERATORS = 64


def check_criterion_size(text: str) -> str:
    """Refuse criteria that no one writes and that would exhaust the parser: very long ones, deeply
    nested parentheses, long chains of operators (``p95 < 1 + 1 + 1 + ...``)."""
    if len(text) > MAX_CRITERION_CHARS:
        raise ValueError(f"a criterion of {len(text)} characters; keep it under {MAX_CRITERION_CHARS}")
    depth = deepest = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_CRITERION_NESTING:
        raise ValueError(f"parentheses nested {deepest} deep; at most {MAX_CRITERION_NESTING}")
    operators = sum(text.count(op) for op in "+-*/")
    if operators > MAX_CRITERION_OPERATORS:
        raise ValueError(f"{operators} arithmetic operators; at most {MAX_CRITERION_OPERATORS}")
    return text


CriterionText = Annotated[str, AfterValidator(check_criterion_size)]


class CriterionSpec(Strict):
    """A criterion written as a mapping: ``{expect: "p95 < 500ms", action: warn}``."""

    expect: CriterionText = Field(min_length=1)
    action: CriterionAction = CriterionAction.FAIL
    description: str = ""


Criterion = CriterionText | CriterionSpec


class Suite(Strict):
    name: str
    kind: str
    enabled: bool = True
    description: str = ""
    options: dict[str, object] = Field(default_factory=dict)
    criteria: list[Criterion] = Field(default_factory=list)
    timeout: float | None = Field(default=None, gt=0, description="wall-clock limit for the suite, seconds")

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use letters, digits, '.', '_' and '-' (it names a directory)")
        return value


class Signatories(Strict):
    project: Signatory = Signatory()
    business: Signatory = Signatory()
    supervision: Signatory = Signatory()


class Report(Strict):
    language: Literal["zh-CN", "en"] = "zh-CN"
    title: str = ""
    signatories: Signatories = Signatories()
    attachment_limit_mb: float = Field(
        default=10.0,
        ge=0,
        le=1024,
        description="raw files up to this size are embedded in the PDF; larger ones only by hash",
    )


class Output(Strict):
    dir: str = "reports"


class Profile(Strict):
    project: Project
    target: Target
    suites: list[Suite] = Field(min_length=1)
    report: Report = Report()
    output: Output = Output()
    # run history, baselines and schedules: harness/profile/schedule.py, docs/history-and-scheduling.md
    history: HistorySettings = HistorySettings()
    baseline: Baseline | None = None
    schedule: Schedules | None = None
    notify: NotifySpec | None = None
    # the project's stages and their acceptance standards: harness/stages/, docs/stages.md
    stages: list[StageSpec] = Field(default_factory=default_plan, min_length=1, validate_default=True)

    @field_validator("stages")
    @classmethod
    def _check_stages(cls, value: list[StageSpec], info: ValidationInfo) -> list[StageSpec]:
        project, suites = info.data.get("project"), info.data.get("suites")
        problem = check_stage_plan(value, project.stage if project else None, suites or [])
        if problem:
            raise ValueError(problem)
        return value
