"""A small UAT checklist with a profile pointing at it, in tmp_path (fixture `uat_project`)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class UatProject:
    profile: Path
    checklist: Path
    results: Path
    evidence: Path


@pytest.fixture
def uat_project(tmp_path: Path) -> UatProject:
    checklist = tmp_path / "suites" / "uat" / "portal.yaml"
    checklist.parent.mkdir(parents=True)
    checklist.write_text(
        textwrap.dedent(
            f"""\
            checklist: 门户验收
            version: "2"
            cases:
              - id: C-1
                title: 提交申请
                preconditions: 已登录
                steps: [打开表单, 提交]
                expected: 显示回执
              - id: C-2
                title: 查询进度
                steps: [打开我的申请]
                expected: 显示状态
              - id: C-3
                title: 服务健康检查
                steps: [打开 /health]
                expected: 返回 ok
                check: {REPO}/suites/integration/test_service.py::test_health_reports_ok
            """
        ),
        encoding="utf-8",
    )
    profile = tmp_path / "profiles" / "p.yaml"
    profile.parent.mkdir()
    profile.write_text(
        textwrap.dedent(
            """\
            project: {name: Portal}
            target: {start: demo}
            suites:
              - name: acceptance
                kind: uat
                options: {checklist: ../suites/uat/portal.yaml, run_checks: false}
            """
        ),
        encoding="utf-8",
    )
    evidence = tmp_path / "screens" / "receipt.txt"
    evidence.parent.mkdir()
    evidence.write_text("回执 XK-0001\n", encoding="utf-8")
    return UatProject(profile, checklist, checklist.with_name("portal.results.yaml"), evidence)
