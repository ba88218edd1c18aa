"""The UAT checklist: what business staff check by hand, one case at a time.

Example (``suites/uat/*.yaml``)::

    checklist: 行政许可网上申请 用户验收测试
    version: "1.0"
    cases:
      - id: UAT-01
        title: 申请人在线提交食品经营许可申请
        preconditions: [申请人账号已注册]
        steps: [登录门户, 填写申请表, 提交]
        expected: 系统受理申请并显示应缴费用
        check: ../integration/test_workflow.py::test_submit   # optional automated pytest check
        automated: false    # true: the check alone decides (no manual result needed)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harness.errors import ProfileError, ProfileIssue
from harness.profile import validation_issues
from harness.profile.source import load_source


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChecklistCase(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = Field(min_length=1)
    preconditions: list[str] = Field(default_factory=list)
    steps: list[str] = Field(min_length=1)
    expected: str = Field(min_length=1)
    check: str | None = Field(default=None, description="pytest node id, relative to the checklist file")
    automated: bool = False

    @field_validator("preconditions", "steps", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _automated_needs_check(self) -> ChecklistCase:
        if self.automated and not self.check:
            raise ValueError("automated: true needs a check (a pytest node id)")
        return self

    def fingerprint(self) -> str:
        """Hash of what the tester was asked to do; a result recorded against other text is stale."""
        content = [self.title, self.preconditions, self.steps, self.expected]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:16]


class Checklist(_Strict):
    checklist: str = Field(min_length=1, description="the checklist's title")
    version: str = ""
    cases: list[ChecklistCase] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Checklist:
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise ValueError(f"case id {case.id!r} is used twice")
            seen.add(case.id)
        return self

    def case(self, case_id: str) -> ChecklistCase | None:
        return next((c for c in self.cases if c.id == case_id), None)


def load_checklist(path: Path) -> Checklist:
    """Raises ProfileError with FILE:LINE: key.path for every problem."""
    if not path.is_file():
        raise ProfileError([ProfileIssue(str(path), None, "", "checklist file not found")])
    source = load_source(path, environ={})
    try:
        return Checklist.model_validate(source.data)
    except ValidationError as exc:
        raise ProfileError(validation_issues(exc, source, Checklist, ())) from None
