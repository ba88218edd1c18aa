"""`harness validate` accepts baseline.* and findings.<set>[.<risk>] and explains what is wrong otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from history_builders import scripted_runners

from harness.errors import ProfileError
from harness.plan import make_plan
from harness.profile import load_profile


def _plan(tmp_path: Path, criteria: list[str], baseline: str | None = "last-pass") -> list[str]:
    profile: dict[str, object] = {
        "project": {"name": "P"},
        "target": {"base_url": "http://127.0.0.1:9"},
        "suites": [{"name": "load", "kind": "performance", "criteria": criteria}],
        **({"baseline": baseline} if baseline else {}),
    }
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile))
    try:
        make_plan(load_profile(path), scripted_runners())
    except ProfileError as exc:
        return [str(issue) for issue in exc.issues]
    return []


@pytest.mark.parametrize(
    "criterion",
    [
        "p95 <= baseline.p95 * 1.10",
        "rps >= baseline.rps * 0.9",
        "error_rate <= baseline.error_rate + 0.5%",
        'endpoint("GET /x").p95 <= baseline.endpoint("GET /x").p95 * 1.2',
        "findings.new.high == 0",
        "findings.new.critical + findings.new.high == 0",
        "findings.new <= 3",
        "findings.fixed.medium >= 0",
        "findings.unchanged.low < 10",
    ],
)
def test_accepted(tmp_path: Path, criterion: str) -> None:
    assert _plan(tmp_path, [criterion]) == []


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (
            "p95 <= baseline.p69 * 1.1",
            "baseline.p69: metric 'p69' is not produced by this suite (did you mean 'baseline.p95'?)",
        ),
        ("findings.new.severe == 0", "unknown findings count 'findings.new.severe'"),
        ("findings.added.high == 0", "with set new | fixed | unchanged"),
        ("p95 <= baseline.p95 * 1.1ms", "cannot multiply a time by a time"),
    ],
)
def test_rejected_with_a_reason(tmp_path: Path, criterion: str, message: str) -> None:
    (issue,) = _plan(tmp_path, [criterion])
    assert "p.yaml:6: suites[0].criteria[0]: " in issue
    assert message in issue


def test_baseline_names_need_a_baseline(tmp_path: Path) -> None:
    (issue,) = _plan(tmp_path, ["findings.new.high == 0"], baseline=None)
    assert "compares with a baseline, but the profile names none: add `baseline: last-pass`" in issue
