from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.uat.checklist import load_checklist


def test_loads_and_fingerprints(tmp_path: Path, repo: Path) -> None:
    checklist = load_checklist(repo / "suites" / "uat" / "permit-checklist.yaml")
    assert [c.id for c in checklist.cases][:2] == ["UAT-01", "UAT-02"]
    first = checklist.cases[0]
    assert first.fingerprint() == first.model_copy().fingerprint()
    assert first.fingerprint() != first.model_copy(update={"expected": "other"}).fingerprint()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "checklist: x\ncases:\n  - id: A\n    title: t\n    steps: [s]\n",
            3,
            "cases[0].expected: required key is missing",
        ),
        (
            "checklist: x\ncases:\n  - {id: A, title: t, steps: [s], expected: e}\n  - {id: A, title: u, steps: [s], expected: e}\n",
            1,
            "used twice",
        ),
        (
            "checklist: x\ncases:\n  - {id: A, title: t, steps: [s], expected: e, automated: true}\n",
            3,
            "automated: true needs a check",
        ),
        ("checklist: x\ncases: [\n", 3, "invalid YAML"),
    ],
)
def test_errors_are_located(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_checklist(path)
    assert f"{path}:{line}:" in str(caught.value) and message in str(caught.value)
