"""docs/plugins.md: the worked example (examples/checksums) is a suite kind in a package of its own, found
through the entry points its pyproject.toml declares, run through the real pipeline, with its own section
in report.pdf."""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from pypdf import PdfReader

from harness.errors import ProfileError
from harness.pipeline import execute
from harness.plan import load_plan, select
from harness.reports.pdf import load_sections
from harness.results.model import Verdict
from harness.runners.registry import load_runners

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "checksums"


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The example as pip would install it: its code importable and a dist-info with the entry points of
    its pyproject.toml (the same metadata importlib.metadata reads for any installed distribution)."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    site = tmp_path / "site"
    info = site / f"harness_checksums-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    groups = "".join(
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in members.items()) + "\n"
        for group, members in project["entry-points"].items()
    )
    (info / "entry_points.txt").write_text(groups, encoding="utf-8")
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.syspath_prepend(str(site))
    yield
    for name in [m for m in sys.modules if m.startswith("harness_checksums")]:
        del sys.modules[name]


def _profile(tmp_path: Path, manifest: str) -> Path:
    delivery = tmp_path / "delivery"
    delivery.mkdir(exist_ok=True)
    (delivery / "setup.exe").write_bytes(b"the agreed installer")
    (delivery / "手册.pdf").write_bytes(b"the manual")
    good = hashlib.sha256(b"the agreed installer").hexdigest()
    (delivery / "SHA256SUMS").write_text(f"{good}  setup.exe\n{'0' * 64}  手册.pdf\n", encoding="utf-8")
    profile = tmp_path / "delivery.yaml"
    profile.write_text(
        "project: {name: Delivery}\n"
        "target: {base_url: 'http://127.0.0.1:9'}\n"
        "report: {language: en}\n"
        "history: {enabled: false}\n"
        f"suites:\n  - {{name: artifacts, kind: checksums, options: {{manifest: {manifest}}}}}\n",
        encoding="utf-8",
    )
    return profile


@pytest.mark.slow
def test_the_example_kind_runs_through_the_pipeline_with_its_own_section(installed: None, tmp_path: Path) -> None:
    assert "checksums" in {e.name for e in entry_points(group="harness.runners")}
    runners = load_runners()
    assert "checksums" in runners and "checksums" in load_sections()
    plan = load_plan(_profile(tmp_path, "delivery/SHA256SUMS"), runners)
    outcome = execute(plan, selected=select(plan, []), out_dir=tmp_path / "reports")
    run = outcome.run
    suite = run.suites[0]
    assert suite.metrics["files"] == 2 and suite.metrics["mismatched"] == 1
    assert [c.expression for c in run.criteria] == ["files >= 1", "mismatched == 0", "missing == 0"]
    assert run.verdict is Verdict.FAIL and suite.status.value == "failed"
    assert json.loads((outcome.run_dir / "run.json").read_text(encoding="utf-8"))["suites"][0]["kind"] == "checksums"
    assert (outcome.run_dir / "raw" / "artifacts" / "SHA256SUMS").is_file()  # the evidence
    pages = "".join(page.extract_text() for page in PdfReader(outcome.run_dir / "report.pdf").pages)
    assert "setup.exe" in pages and "expected 0000" in pages  # the plug-in's own table, not the generic one


def test_validate_reports_what_the_example_preflight_refuses(installed: None, tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as raised:
        load_plan(_profile(tmp_path, "delivery/MISSING"), load_runners())
    assert "MISSING does not exist: give a sha256sum file" in str(raised.value)
    assert "delivery.yaml:6: suites[0].options.manifest" in str(raised.value)  # located
