"""docs/ci: the script the CI examples call really runs the harness, gates and keeps the run history; the
examples and `harness schedule export` write the same jobs, and those pass a workflow linter (actionlint,
with shellcheck on every `run:`), GitLab's own CI schema (check-jsonschema's vendored copy) and shellcheck."""

from __future__ import annotations

import json
import os
import shutil
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


BIN = Path(sys.executable).parent


def _run(tmp_path: Path, profile: Path, **extra: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    outputs = tmp_path / "github-output"
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), "HARNESS": str(Path(sys.executable).with_name("harness")),
           "PYTHON": sys.executable, **extra}  # fmt: skip
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


@pytest.mark.slow
def test_the_history_is_kept_across_runs_and_baseline_previous_finds_the_first(tmp_path: Path) -> None:
    """Two CI runs in one workspace (the history file kept, as the examples' caches keep it): the second
    compares with the first, and `harness history list` finds both without being told where they are."""
    profile = _profile(tmp_path, "soapui")
    text = profile.read_text(encoding="utf-8").replace(
        "options: {format: junit", "criteria: [tests >= baseline.tests], options: {format: junit"
    )
    profile.write_text("baseline: previous\n" + text, encoding="utf-8")
    first, _ = _run(tmp_path, profile)
    assert first.returncode == 0, first.stdout + first.stderr
    first_id = json.loads((tmp_path / "acceptance-results" / "summary.json").read_text())["run_id"]
    second, _ = _run(tmp_path, profile)
    assert second.returncode == 0, second.stdout + second.stderr
    summary = json.loads((tmp_path / "acceptance-results" / "summary.json").read_text())
    (suite,) = summary["comparison"]["suites"]
    assert suite["baseline_run"] == first_id and f"soapui compared with {first_id}" in second.stdout
    criterion = next(c for c in summary["criteria"] if c["expression"] == "tests >= baseline.tests")
    assert criterion["outcome"] == "passed"
    assert (tmp_path / "reports" / "history.sqlite").is_file()
    listed = subprocess.run([str(BIN / "harness"), "history", "list", "--json"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)  # fmt: skip
    runs = [r["run_id"] for r in json.loads(listed.stdout)["runs"]]
    assert runs == [summary["run_id"], first_id]


@pytest.mark.slow
def test_suites_selects_and_the_summary_says_partial(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, _profile(tmp_path, "soapui", "newman"), SUITES="soapui")
    assert done.returncode == 0, done.stderr
    assert "verdict: PASS (exit code 0) (partial run: newman not selected)" in done.stdout


def _steps(workflow: dict[str, object], job: str) -> list[dict[str, object]]:
    return workflow["jobs"][job]["steps"]  # type: ignore[index,no-any-return]


def _export(tmp_path: Path, fmt: str) -> Path:
    done = subprocess.run(
        [str(BIN / "harness"), "schedule", "export", "--format", fmt, str(REPO / "profiles" / "demo.yaml")],
        capture_output=True, text=True, cwd=REPO, timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    path = tmp_path / f"export-{fmt}" / {"github": "workflow.yml", "gitlab": ".gitlab-ci.yml"}.get(fmt, "Jenkinsfile")
    path.parent.mkdir()
    path.write_text(done.stdout, encoding="utf-8")
    return path


def _lint(*argv: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_github_workflows_pass_actionlint_and_are_the_same_job(tmp_path: Path) -> None:
    assert shutil.which("shellcheck"), "actionlint checks run: scripts with shellcheck (scripts/setup.sh installs it)"
    exported = _export(tmp_path, "github")
    for path in (CI / "github-actions.yml", exported):
        _lint(str(BIN / "actionlint"), "-shellcheck", "shellcheck", str(path))
        _lint(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path))
    docs = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    export = yaml.safe_load(exported.read_text(encoding="utf-8"))
    (job,) = export["jobs"]
    assert _steps(export, job) == _steps(docs, "acceptance")
    assert export["jobs"][job]["env"] == {"PROFILE": "profiles/demo.yaml", "SUITES": ""}
    assert export["permissions"] == docs["permissions"]


def test_exports_keep_the_history_the_profile_records_in(tmp_path: Path) -> None:
    """A profile with its own history.path: the exported jobs cache that file, not reports/history.sqlite."""
    mine = tmp_path / "team" / "acceptance.yaml"
    mine.parent.mkdir()
    mine.write_text(f"extends: {REPO / 'profiles' / 'demo.yaml'}\nhistory: {{path: ../state/runs.sqlite}}\n", "utf-8")
    exports = {}
    for fmt in ("github", "gitlab"):
        done = subprocess.run(
            [str(BIN / "harness"), "schedule", "export", "--format", fmt, "team/acceptance.yaml"],
            capture_output=True, text=True, cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        exports[fmt] = tmp_path / f"export.{fmt}.yml"
        exports[fmt].write_text(done.stdout, encoding="utf-8")
    _lint(str(BIN / "actionlint"), "-shellcheck", "shellcheck", str(exports["github"]))
    workflow = yaml.safe_load(exports["github"].read_text(encoding="utf-8"))
    (job,) = workflow["jobs"]
    uses = {str(s["uses"]).split("@")[0]: s for s in _steps(workflow, job) if "uses" in s}
    assert uses["actions/cache/restore"]["with"]["path"] == "state/runs.sqlite"  # relative to the file, then to cwd
    assert uses["actions/cache/save"]["with"]["path"] == "state/runs.sqlite"
    assert "reports/history.sqlite" not in exports["github"].read_text(encoding="utf-8")
    gitlab = yaml.safe_load(exports["gitlab"].read_text(encoding="utf-8"))
    assert ("state/runs.sqlite",) in {tuple(c["paths"]) for c in gitlab[".acceptance"]["cache"]}


def test_github_job_is_complete_for_a_fresh_runner_and_forks() -> None:
    docs = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    steps = _steps(docs, "acceptance")
    uses = {str(s["uses"]).split("@")[0]: s for s in steps if "uses" in s}
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert "fonts-wqy-zenhei" in runs and "poppler-utils" in runs and "make setup" in runs
    assert uses["actions/cache"]["with"]["path"] == ".venv"  # the wapiti environment lives in .venv/tools/
    assert uses["actions/cache/restore"]["with"]["path"] == "reports/history.sqlite"
    assert uses["actions/cache/save"]["with"]["path"] == "reports/history.sqlite"
    assert uses["actions/cache/save"]["if"].startswith("always()")
    run = next(s for s in steps if s.get("id") == "acceptance")
    assert run["continue-on-error"] is True and "secrets." in str(run["env"])
    for action in ("mikepenz/action-junit-report", "github/codeql-action/upload-sarif"):
        assert "head.repo.full_name == github.repository" in uses[action]["if"]  # forks: skipped, not failing
    assert steps[-1]["if"] == "always()" and "steps.acceptance.outputs.exit_code" in steps[-1]["env"]["CODE"]
    order = [str(s.get("uses", s.get("name", ""))) for s in steps]
    assert order.index(next(o for o in order if o.startswith("actions/cache/save"))) < len(order) - 1


def test_gitlab_files_pass_the_schema_and_share_the_job(tmp_path: Path) -> None:
    exported = _export(tmp_path, "gitlab")
    for path in (CI / "gitlab-ci.yml", exported):
        _lint(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path))
    docs = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    export = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert docs[".acceptance"] == export[".acceptance"]
    job = docs[".acceptance"]
    assert any("run-acceptance.sh" in line for line in job["script"])
    assert (
        job["artifacts"]["when"] == "always" and job["artifacts"]["reports"]["junit"] == "acceptance-results/junit.xml"
    )
    caches = {tuple(c["paths"]): c for c in job["cache"]}
    assert (".venv/", ".cache/pip/") in caches and caches[("reports/history.sqlite",)]["when"] == "always"
    assert docs["acceptance"]["extends"] == ".acceptance"


def test_jenkinsfiles_run_unprivileged_and_share_the_stages(tmp_path: Path) -> None:
    docs = (CI / "Jenkinsfile").read_text(encoding="utf-8")
    exported = _export(tmp_path, "jenkins").read_text(encoding="utf-8")
    body = docs[docs.index("    options {") : docs.rindex("}")]
    assert body in exported
    for text in (docs, exported):
        assert "-u root" not in text and "apt-get" not in text  # packages come with the image
        assert "filename 'docs/ci/Dockerfile'" in text and text.count("{") == text.count("}")
    post = docs[docs.index("post {") :]
    for step in ("junit testResults: 'acceptance-results/junit.xml'", "sarif(pattern: 'acceptance-results/sarif.json')",
                 "archiveArtifacts", "error(\"acceptance gate"):  # fmt: skip
        assert step in post
    assert "cron('TZ=Asia/Shanghai\\n0 2 * * *')" in exported
    dockerfile = (CI / "Dockerfile").read_text(encoding="utf-8")
    assert "fonts-wqy-zenhei" in dockerfile and "poppler-utils" in dockerfile and "USER" not in dockerfile


def test_run_acceptance_sh_passes_shellcheck() -> None:
    assert shutil.which("shellcheck"), "scripts/setup.sh installs shellcheck"
    _lint("shellcheck", str(CI / "run-acceptance.sh"))
