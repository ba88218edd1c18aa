"""The project's stage plan: its stages in order and each stage's acceptance standard (pydantic).

By default a project runs through the seven stages of a public-sector software project — 启动, 设计, 开发,
测试, 培训, 上线, 运维 — each closed by a report the three parties signed before the next may start. A
profile may list its own stages (``stages:``): rename one (``name``), skip one (``skip: true`` with a
``reason``), add one (a new ``id``); a listed default stage keeps its names unless renamed.

This module imports only ``results.model`` so the profile model can hold a plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.criteria import CriterionSyntaxError, parse_criterion

_ID = re.compile(r"^[a-z][a-z0-9-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DEFAULT_NAMES: dict[str, dict[str, str]] = {
    "initiation": {"zh-CN": "启动", "en": "Initiation"},
    "design": {"zh-CN": "设计", "en": "Design"},
    "development": {"zh-CN": "开发", "en": "Development"},
    "testing": {"zh-CN": "测试", "en": "Testing"},
    "training": {"zh-CN": "培训", "en": "Training"},
    "go-live": {"zh-CN": "上线", "en": "Go-live"},
    "operations": {"zh-CN": "运维", "en": "Operations"},
}
DEFAULT_STAGES: tuple[str, ...] = tuple(DEFAULT_NAMES)


class StageCriterion(_Strict):
    """An extra criterion of a stage's standard, judged against one suite of the run: ``{suite: training,
    expect: "uat.pass_rate >= 90%"}``."""

    suite: str = Field(min_length=1)
    expect: str = Field(min_length=1, max_length=500)

    @field_validator("expect")
    @classmethod
    def _parses(cls, value: str) -> str:
        """``harness validate`` refuses a criterion that could never be judged, as it does a suite's."""
        try:
            parse_criterion(value)
        except CriterionSyntaxError as exc:
            raise ValueError(str(exc)) from None
        return value


class Standard(_Strict):
    """What a stage's report must show. The run's verdict must be PASS in every case."""

    suites: list[str] = Field(default_factory=list, description="suites (by name) that must have run and passed")
    kinds: list[str] = Field(
        default_factory=list, description="suite kinds of which at least one suite ran and every one passed"
    )
    checklists: list[str] = Field(
        default_factory=list,
        description="uat-kind suites (checklists: UAT, design review, training) whose every case was recorded as passed",
    )
    criteria: list[StageCriterion] = Field(default_factory=list, description="extra criteria on the run's suites")


class StageSpec(_Strict):
    id: str
    name: dict[str, str] = Field(default_factory=dict, description="the stage's name per language (zh-CN, en)")
    skip: bool = False
    reason: str = Field(default="", description="why the stage is skipped (shown in `harness stage status`)")
    standard: Standard = Standard()

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lower-case letters, digits and '-', starting with a letter (e.g. go-live)")
        return value

    @field_validator("name")
    @classmethod
    def _check_languages(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = [language for language in value if language not in ("zh-CN", "en")]
        if unknown:
            raise ValueError(f"unknown language {unknown[0]!r}; use zh-CN and en")
        return value

    @model_validator(mode="after")
    def _reason_for_skip(self) -> StageSpec:
        if self.skip and not self.reason.strip():
            raise ValueError("a skipped stage needs a reason (skip: true, reason: ...)")
        return self

    def names(self) -> dict[str, str]:
        """zh-CN and en names: the profile's, else the default stage's, else the id."""
        default = DEFAULT_NAMES.get(self.id, {})
        return {language: self.name.get(language) or default.get(language) or self.id for language in ("zh-CN", "en")}


def default_plan() -> list[StageSpec]:
    return [StageSpec(id=stage) for stage in DEFAULT_STAGES]


class StagePlan(_Strict):
    """The project's stages in order (``profile.stages``); the seven default stages when not given."""

    stages: list[StageSpec] = Field(default_factory=default_plan, min_length=1)

    @field_validator("stages")
    @classmethod
    def _unique(cls, value: list[StageSpec]) -> list[StageSpec]:
        seen: set[str] = set()
        for spec in value:
            if spec.id in seen:
                raise ValueError(f"stage {spec.id!r} is listed twice")
            seen.add(spec.id)
        return value

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(spec.id for spec in self.stages)

    def get(self, stage: str) -> StageSpec | None:
        return next((spec for spec in self.stages if spec.id == stage), None)

    def active(self) -> list[StageSpec]:
        """The stages to be closed, in order (skipped ones left out)."""
        return [spec for spec in self.stages if not spec.skip]

    def previous(self, stage: str) -> StageSpec | None:
        """The stage that must be closed before ``stage``: the nearest earlier one not skipped."""
        earlier: StageSpec | None = None
        for spec in self.stages:
            if spec.id == stage:
                return earlier
            if not spec.skip:
                earlier = spec
        return None

    def position(self, stage: str) -> int:
        """1-based place of ``stage`` in the plan (0 when it is not in it)."""
        return next((index for index, spec in enumerate(self.stages, 1) if spec.id == stage), 0)


class NamedSuite(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...


def check_stage_plan(stages: Sequence[StageSpec], current: str | None, suites: Sequence[NamedSuite]) -> str:
    """What is wrong with a profile's plan for its current stage, or "" (``harness validate`` shows it).

    The current stage must be in the plan and not skipped; its standard may name only this profile's
    suites, its checklists only suites of kind ``uat``.
    """
    plan = StagePlan(stages=list(stages))
    if current is None:
        return ""
    spec = plan.get(current)
    if spec is None:
        return f"project.stage {current!r} is not one of the stages: {', '.join(plan.ids)}"
    if spec.skip:
        return f"project.stage {current!r} is marked skip: true; a skipped stage has no report"
    kinds = {suite.name: suite.kind for suite in suites}
    standard = spec.standard
    for name in [*standard.suites, *standard.checklists, *(c.suite for c in standard.criteria)]:
        if name not in kinds:
            return f"the {current} standard names suite {name!r}, which this profile does not have ({', '.join(kinds)})"
    for name in standard.checklists:
        if kinds[name] != "uat":
            return (
                f"the {current} standard lists {name!r} as a checklist, but it is a {kinds[name]} suite (use kind: uat)"
            )
    return ""
