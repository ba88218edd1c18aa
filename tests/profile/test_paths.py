"""Paths in a profile are relative to the file that writes them; validate refuses the files a run would miss."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from harness_cli import CliResult, harness

from harness.errors import ProfileError
from harness.plan import load_plan, select
from harness.profile import load_profile
from harness.runners.registry import load_runners
from harness.uat.suite import uat_paths

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "profiles" / "demo.yaml"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_profile_elsewhere_that_extends_the_demo_uses_the_demos_files(tmp_path: Path) -> None:
    mine = _write(tmp_path / "team" / "my.yaml", f"extends: {DEMO}\nreport: {{language: en}}\n")
    plan = load_plan(mine, load_runners())
    options = {p.suite.name: p.suite.options for p in plan.suites}
    assert options["unit"].paths == [str(REPO / "suites" / "unit")]  # type: ignore[attr-defined]
    assert options["performance"].locustfile == str(REPO / "suites" / "performance" / "locustfile.py")  # type: ignore[attr-defined]
    assert options["security"].rules_file == str(REPO / "profiles" / "security-rules.tsv")  # type: ignore[attr-defined]
    assert options["uat"].checklist == str(REPO / "suites" / "uat" / "permit-checklist.yaml")  # type: ignore[attr-defined]
    assert uat_paths(mine, "uat").checklist == REPO / "suites" / "uat" / "permit-checklist.yaml"
    assert plan.loaded.output_dir == Path("reports")  # not declared: the working directory's reports/


def test_a_relative_extends_chain_keeps_each_files_folder(tmp_path: Path) -> None:
    _write(tmp_path / "shared" / "tests" / "test_ok.py", "def test_ok():\n    pass\n")
    _write(tmp_path / "shared" / "base.yaml", """\
        project: {name: Base}
        target: {base_url: "http://127.0.0.1:9"}
        output: {dir: ../runs}
        history: {path: db/history.sqlite}
        suites:
          - {name: unit, kind: unit, options: {paths: [tests]}}
        """)  # fmt: skip
    top = _write(tmp_path / "projects" / "a" / "p.yaml", """\
        extends: ../../shared/base.yaml
        suites:
          - {name: more, kind: unit, options: {paths: [tests/test_more.py::test_x]}}
        """)  # fmt: skip
    with pytest.raises(ProfileError) as caught:
        load_plan(top, load_runners())
    (issue,) = caught.value.issues
    assert issue.file == str(top) and issue.line == 3 and issue.path == "suites[1].options.paths[0]"
    assert issue.message == (
        f"test path not found: {tmp_path / 'projects' / 'a' / 'tests' / 'test_more.py'} "
        f"('tests/test_more.py::test_x' is relative to p.yaml's folder {tmp_path / 'projects' / 'a'})"
    )
    _write(tmp_path / "projects" / "a" / "tests" / "test_more.py", "def test_x():\n    pass\n")
    plan = load_plan(top, load_runners())
    assert plan.suites[0].suite.options.paths == [str(tmp_path / "shared" / "tests")]  # type: ignore[attr-defined]
    assert plan.loaded.output_dir == tmp_path / "runs"  # output.dir from base.yaml: relative to shared/
    from harness.history.location import profile_history

    where = profile_history(load_profile(top))
    assert where is not None and where.path == tmp_path / "shared" / "db" / "history.sqlite"


def _validate(profile: Path, cwd: Path) -> CliResult:
    return harness("validate", str(profile), cwd=cwd, timeout=120)


def test_validate_refuses_every_missing_file_the_run_needs(tmp_path: Path) -> None:
    base = _write(tmp_path / "base" / "base.yaml", """\
        project: {name: Files}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - {name: unit, kind: unit, options: {paths: [tests/unit]}}
          - {name: load, kind: performance, options: {locustfile: load/locustfile.py, users: 1, run_time: 1s}}
          - {name: scan, kind: security, options: {rules_file: rules.tsv}}
          - {name: api, kind: security, options: {mode: api, openapi: "file:openapi.yaml"}}
          - {name: uat, kind: uat, options: {checklist: uat/checklist.yaml}}
          - {name: imported, kind: import, options: {format: junit, paths: ["results/*.xml"]}}
          - {name: later, kind: unit, enabled: false, options: {paths: [not/there]}}
          - {name: api2, kind: security, options: {mode: api, openapi: spec/openapi.json}}
        """)  # fmt: skip
    mine = _write(tmp_path / "elsewhere" / "mine.yaml", "extends: ../base/base.yaml\n")
    done = _validate(mine, tmp_path)
    assert done.code == 2, done.stdout
    lines = done.stderr.splitlines()
    expected = [
        (4, "suites[0].options.paths[0]: test path not found"),
        (5, "suites[1].options.locustfile: locustfile not found"),
        (6, "suites[2].options.rules_file: rule file not found"),
        (7, "suites[3].options.openapi: OpenAPI file not found"),
        (8, "suites[4].options.checklist: checklist not found"),
        (9, "suites[5].options.paths[0]: result file matches nothing"),
        (11, "suites[7].options.openapi: OpenAPI file not found"),  # a bare relative file, not only file:...
    ]
    assert len(lines) == len(expected), done.stderr
    for line, (number, text) in zip(lines, expected, strict=True):
        assert line.startswith(f"error: {base}:{number}: {text}: {tmp_path / 'base'}"), line  # the base's folder
    # the disabled suite's missing path counts once it is selected
    plan = None
    for name in ("tests/unit/test_a.py", "load/locustfile.py", "openapi.yaml", "results/r.xml", "spec/openapi.json"):
        _write(tmp_path / "base" / name, "x\n")
    _write(tmp_path / "base" / "rules.tsv", "10038\tIGNORE\t(CSP)\n")
    _write(tmp_path / "base" / "uat" / "checklist.yaml", """\
        checklist: c
        cases: [{id: C-1, title: t, steps: [s], expected: e, check: ../tests/missing.py::test_x}]
        """)  # fmt: skip
    done = _validate(mine, tmp_path)
    assert done.code == 2
    assert "suites[4].options.checklist: case C-1 of" in done.stderr and "automated check file not found" in done.stderr
    _write(tmp_path / "base" / "tests" / "missing.py", "def test_x():\n    pass\n")
    done = _validate(mine, tmp_path)
    assert done.code == 0, done.stderr
    assert "(7 suites: unit, load, scan, api, uat, imported, api2; disabled: later)" in done.stdout
    plan = load_plan(mine, load_runners())
    openapi = {p.suite.name: p.suite.options.openapi for p in plan.suites if p.suite.kind == "security"}  # type: ignore[attr-defined]
    # a file for the runner, never '/abs/...' (which it would request from the target as a path)
    assert openapi["api"] == f"file:{tmp_path / 'base' / 'openapi.yaml'}"
    assert openapi["api2"] == f"file:{tmp_path / 'base' / 'spec' / 'openapi.json'}"
    with pytest.raises(ProfileError, match=r"suites\[6\]\.options\.paths\[0\]: test path not found"):
        select(plan, ["later"])


def test_a_rule_file_or_checklist_that_does_not_parse(tmp_path: Path) -> None:
    _write(tmp_path / "rules.tsv", "10038\tMAYBE\n")
    _write(tmp_path / "c.yaml", "checklist: c\ncases: []\n")
    profile = _write(tmp_path / "p.yaml", """\
        project: {name: Files}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - {name: scan, kind: security, options: {rules_file: rules.tsv}}
          - {name: uat, kind: uat, options: {checklist: c.yaml, run_checks: false}}
        """)  # fmt: skip
    done = _validate(profile, tmp_path)
    assert done.code == 2
    assert f"{profile}:4: suites[0].options.rules_file: bad rule file: {tmp_path / 'rules.tsv'}:1" in done.stderr
    assert f"{profile}:5: suites[1].options.checklist: the checklist cannot be used: {tmp_path / 'c.yaml'}" in done.stderr


@pytest.mark.slow
def test_running_a_demo_extension_from_another_folder(tmp_path: Path) -> None:
    """The new user's path: my.yaml elsewhere extends the demo, and the demo's suites really run."""
    mine = _write(tmp_path / "x" / "my.yaml", f"extends: {DEMO}\nreport: {{language: en}}\n")
    done = harness("run", str(mine), "--suite", "unit", "--json", "--quiet", cwd=tmp_path)
    assert done.code == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)
    unit = next(s for s in summary["suites"] if s["name"] == "unit")
    assert unit["status"] == "passed" and unit["tests"]["total"] > 20
    assert summary["partial"] is True
    assert summary["not_selected"] == ["integration", "performance", "security", "uat"]
    assert Path(summary["run_dir"]).parent == tmp_path / "reports"


def test_an_options_error_is_located_at_the_key_it_names_in_the_file_that_wrote_it(tmp_path: Path) -> None:
    mine = _write(tmp_path / "team" / "my.yaml", f"""\
        extends: {DEMO}
        suites:
          - name: security
            kind: security
            options: {{openapi: api.json}}
        """)  # fmt: skip
    with pytest.raises(ProfileError) as caught:
        load_plan(mine, load_runners())
    (issue,) = caught.value.issues
    # the whole options mapping begins in demo.yaml; the key it names was written in my.yaml
    assert (issue.file, issue.line, issue.path) == (str(mine), 5, "suites[3].options.openapi")
    assert issue.message == "'openapi' is only used in mode 'api'"
