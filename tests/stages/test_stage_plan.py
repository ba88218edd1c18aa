"""The stage plan in the profile: defaults, renaming, skipping, adding; `harness validate` locates errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.profile import load_profile
from harness.profile.stages import DEFAULT_STAGES, StagePlan, StageSpec

BASE = """\
project: {name: 某市项目, stage: STAGE}
target: {base_url: "http://127.0.0.1:9"}
suites:
  - {name: unit, kind: unit, options: {paths: [tests]}}
  - {name: sheet, kind: uat, options: {checklist: sheet.yaml}}
"""


def test_the_seven_default_stages_in_order_with_both_names() -> None:
    plan = StagePlan()
    assert plan.ids == ("initiation", "design", "development", "testing", "training", "go-live", "operations")
    assert plan.ids == DEFAULT_STAGES
    assert [s.names()["zh-CN"] for s in plan.stages] == ["启动", "设计", "开发", "测试", "培训", "上线", "运维"]
    assert plan.get("go-live") is not None and plan.get("go-live").names()["en"] == "Go-live"  # type: ignore[union-attr]
    assert plan.previous("testing") is not None and plan.previous("testing").id == "development"  # type: ignore[union-attr]
    assert plan.previous("initiation") is None
    assert plan.position("training") == 5 and plan.position("nope") == 0


def test_a_project_renames_skips_and_adds_stages() -> None:
    plan = StagePlan(
        stages=[
            StageSpec(id="initiation", skip=True, reason="paper"),
            StageSpec(id="testing", name={"zh-CN": "系统测试"}),
            StageSpec(id="pilot", name={"zh-CN": "试点", "en": "Pilot"}),
            StageSpec(id="go-live"),
        ]
    )
    assert plan.get("testing").names() == {"zh-CN": "系统测试", "en": "Testing"}  # type: ignore[union-attr]
    assert plan.get("pilot").names() == {"zh-CN": "试点", "en": "Pilot"}  # type: ignore[union-attr]
    assert plan.previous("testing") is None  # initiation is skipped: testing is the first stage to close
    assert plan.previous("go-live").id == "pilot"  # type: ignore[union-attr]
    assert [s.id for s in plan.active()] == ["testing", "pilot", "go-live"]


def test_the_profile_holds_the_plan(write_profile: Callable[..., Path]) -> None:
    text = (
        BASE.replace("STAGE", "pilot")
        + """\
stages:
  - {id: testing}
  - id: pilot
    name: {zh-CN: 试点}
    standard:
      suites: [unit]
      checklists: [sheet]
      criteria: [{suite: sheet, expect: "uat.pass_rate >= 90%"}]
"""
    )
    profile = load_profile(write_profile(text)).profile
    assert [s.id for s in profile.stages] == ["testing", "pilot"]
    assert profile.stages[1].standard.checklists == ["sheet"]
    defaults = load_profile(write_profile(BASE.replace("STAGE", "testing"))).profile
    assert [s.id for s in defaults.stages] == list(DEFAULT_STAGES)


@pytest.mark.parametrize(
    ("stage", "stages", "expected"),
    [
        ("acceptance", "", "stages: project.stage 'acceptance' is not one of the stages: initiation, design,"),
        ("testing", "stages:\n  - {id: testing, skip: true, reason: x}\n", "project.stage 'testing' is marked skip"),
        ("testing", "stages:\n  - {id: testing, skip: true}\n", "a skipped stage needs a reason"),
        ("testing", "stages:\n  - {id: testing}\n  - {id: testing}\n", "stage 'testing' is listed twice"),
        ("testing", "stages:\n  - {id: Testing}\n", "use lower-case letters"),
        ("testing", "stages:\n  - {id: testing, name: {fr: Essais}}\n", "unknown language 'fr'"),
        (
            "testing",
            "stages:\n  - {id: testing, standard: {suites: [integration]}}\n",
            "the testing standard names suite 'integration', which this profile does not have (unit, sheet)",
        ),
        (
            "testing",
            "stages:\n  - {id: testing, standard: {checklists: [unit]}}\n",
            "lists 'unit' as a checklist, but it is a unit suite (use kind: uat)",
        ),
        ("testing", "stages:\n  - {id: testing, standard: {suite: [unit]}}\n", "suite"),
        (
            "testing",
            'stages:\n  - id: testing\n    standard:\n      criteria: [{suite: unit, expect: "pass_rate >> 1"}]\n',
            "stages[0].standard.criteria[0].expect",
        ),
    ],
)
def test_validate_points_at_the_problem(
    write_profile: Callable[..., Path], stage: str, stages: str, expected: str
) -> None:
    path = write_profile(BASE.replace("STAGE", stage) + stages)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    shown = str(caught.value)
    assert expected in shown
    assert f"{path}:" in shown  # FILE:LINE
    line = int(shown.split(f"{path}:", 1)[1].split(":", 1)[0])
    assert line >= 1
