"""docs/ci: the script the CI examples call really runs the harness and gates; the examples are well-formed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CI = REPO / "docs" / "ci"


def _profile(tmp_path: Path, *suites: str) -> Path:
    blocks = {
        "soapui": "  - {name: soapui, kind: import, options: {format: junit, paths: [%s/suites/imports/soapui/*.xml]}}",
        "newman": "  - {name: newman, kind: import, options: {format: newman-json, paths: [%s/suites/imports/newman/*.json]}}",
    }
    text = (
        textwrap.dedent(
            """\
        project: {name: CI example}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
        """
        )
        + "\n".join(blocks[s] % REPO for s in suites)
        + "\n"
    )
    path = tmp_path / "ci.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, profile: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    outputs = tmp_path / "github-output"
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), "HARNESS": str(Path(sys.executable).with_name("harness")),
           "PYTHON": sys.executable}  # fmt: skip
    done = subprocess.run(
        ["bash", str(CI / "run-acceptance.sh"), str(profile), str(tmp_path / "acceptance-results")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    return done, outputs


@pytest.mark.slow
def test_failing_verdict_is_published_then_gated(tmp_path: Path) -> None:
    done, outputs = _run(tmp_path, _profile(tmp_path, "soapui", "newman"))
    assert done.returncode == 1, done.stderr
    assert "verdict: FAIL (exit code 1)" in done.stdout and "newman: pass_rate >= 100% failed" in done.stdout
    results = tmp_path / "acceptance-results"
    for name in ("report.pdf", "junit.xml", "summary.json", "run.json", "manifest.json"):
        assert (results / name).is_file(), name
    assert any((results / "allure-results").glob("*-result.json"))
    assert json.loads((results / "summary.json").read_text())["exit_code"] == 1
    lines = outputs.read_text().splitlines()
    assert lines[0] == "exit_code=1" and lines[1].startswith("run_dir=")


@pytest.mark.slow
def test_passing_and_broken_profiles(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, _profile(tmp_path, "soapui"))
    assert done.returncode == 0 and "verdict: PASS" in done.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("project: {name: x}\nsuites: []\n", encoding="utf-8")
    done, outputs = _run(tmp_path, broken)
    assert done.returncode == 2 and "did not produce a run directory" in done.stderr
    assert "exit_code=2" in outputs.read_text()


def test_github_workflow_publishes_always_and_gates_last() -> None:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["acceptance"]["steps"]
    run = next(s for s in steps if s.get("id") == "acceptance")
    assert "docs/ci/run-acceptance.sh" in run["run"] and run["continue-on-error"] is True
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    for action in ("actions/upload-artifact", "mikepenz/action-junit-report", "github/codeql-action/upload-sarif"):
        assert uses[action]["if"].startswith("always()")
    assert steps[-1]["if"] == "always()" and "steps.acceptance.outputs.exit_code" in steps[-1]["env"]["CODE"]
    assert workflow["permissions"]["security-events"] == "write"


def test_gitlab_job_reports_junit_and_keeps_artifacts_on_failure() -> None:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))["acceptance"]
    assert any("run-acceptance.sh" in line for line in job["script"])
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "acceptance-results/junit.xml"


def test_jenkinsfile_publishes_in_post_always() -> None:
    text = (CI / "Jenkinsfile").read_text(encoding="utf-8")
    post = text[text.index("post {") :]
    for step in ("junit testResults: 'acceptance-results/junit.xml'", "sarif(pattern: 'acceptance-results/sarif.json')",
                 "archiveArtifacts", "error(\"acceptance gate"):  # fmt: skip
        assert step in post
    assert "returnStatus: true" in text and text.count("{") == text.count("}")
