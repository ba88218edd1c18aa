"""End to end: `harness run` with an access-control suite against the real demo target (started by the
run), weak and hardened, and the bad inputs: a login that fails, a target that is down, a matrix no
answer of which decides anything."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from harness.demo.weaknesses import FOUND_BY_ACCESS_CONTROL

pytestmark = pytest.mark.slow

PASSWORDS = ("demo-applicant-pw", "demo-officer-pw", "demo-admin-pw")


def run(run_cli: Callable[..., Any], profile: Path, tmp_path: Path, *suites: str) -> tuple[Any, Path, dict[str, Any]]:
    selected = [arg for name in (suites or ("access-control",)) for arg in ("--suite", name)]
    result = run_cli("run", str(profile), *selected, "--json", "--quiet", "--out", str(tmp_path / "reports"))
    assert result.code in (0, 1, 3), result.stderr
    run_dir = Path(result.json()["run_dir"])
    run_json = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return result, run_dir, {s["name"]: s for s in run_json["suites"]}


def no_password_in(run_dir: Path) -> None:
    for path in run_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for password in PASSWORDS:
                assert password.encode() not in data, (path, password)


def test_the_go_live_profile_finds_the_demos_idor_and_shows_the_request(
    repo: Path, run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    result, run_dir, suites = run(run_cli, repo / "profiles/go-live.yaml", tmp_path)
    suite = suites["access-control"]
    # the IDOR is a WARN in the demo (rules:), so the run passes and says what it found
    assert result.code == 0 and suite["status"] == "passed", suite.get("error")
    metrics = suite["metrics"]
    assert metrics["access.cells"] == metrics["access.cells_tested"] == 29 and metrics["access.cells_skipped"] == 0
    assert metrics["access.violations"] == 2 and metrics["access.unexpected_denials"] == 0
    assert {f["rule_id"] for f in suite["findings"]} == set(FOUND_BY_ACCESS_CONTROL.values())
    roles = set()
    for finding in suite["findings"]:
        assert finding["cwe"] == 639 and finding["risk"] == "high" and finding["action"] == "WARN"
        (place,) = finding["instances"]
        assert place["request"].startswith("GET /api/applications/") and "Authorization: ***" in place["request"]
        assert place["evidence"].startswith("HTTP 200") and '"owner":' in place["evidence"]
        roles.add(place["other"])
    assert roles == {"role: applicant; object of: other-applicant", "role: other-applicant; object of: applicant"}
    warned = [c for c in result.json()["criteria"] if c["outcome"] == "warned"]
    assert [c["expression"] for c in warned] == ["access.violations == 0 : warn"]
    evidence = json.loads((run_dir / "raw/access-control/access-matrix.json").read_text(encoding="utf-8"))
    assert len(evidence) == 29 and sum(1 for cell in evidence if cell["violation"] == "horizontal") == 2
    text = "\n".join(page.extract_text() for page in PdfReader(run_dir / "report.pdf").pages)
    assert "access:horizontal-escalation" in text and "CWE-639" in text and "越权访问" in text
    assert "29 / 29" in text  # cells: in the matrix / decided
    assert suite["coverage"]["urls_found"] == suite["coverage"]["urls_scanned"] == 5  # endpoints
    no_password_in(run_dir)


def test_the_hardened_demo_has_no_violation(
    repo: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    profile = write_profile(
        "extends: {repo}/profiles/go-live.yaml\ntarget: {demo: {weaknesses: none}}\nreport: {language: en}\n"
    )
    result, _, suites = run(run_cli, profile, tmp_path)
    suite = suites["access-control"]
    assert result.code == 0 and suite["status"] == "passed" and suite["findings"] == []
    assert suite["metrics"]["access.violations"] == 0 and suite["metrics"]["access.cells_tested"] == 29
    assert not [c for c in result.json()["criteria"] if c["outcome"] != "passed"]
    assert all(case["status"] == "passed" for case in suite["cases"])


def test_without_the_demos_allowance_a_violation_fails_the_run_by_default(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    profile = write_profile(
        """\
        project: {name: Strict}
        target: {start: demo}
        suites:
          - name: access-control
            kind: access-control
            options:
              roles:
                applicant: {auth: {type: login, username: zhangsan, password: demo-applicant-pw}}
                officer: {auth: {type: login, username: officer, password: demo-officer-pw}}
              endpoints:
                - {path: /api/admin/users, expect: {anonymous: denied, applicant: denied, officer: denied}}
                - {path: /health, expect: {anonymous: denied, applicant: allowed}}
        report: {language: en}
        """
    )
    result, run_dir, suites = run(run_cli, profile, tmp_path)
    suite = suites["access-control"]
    assert result.code == 1 and result.json()["verdict"] == "FAIL" and suite["status"] == "failed"
    (finding,) = suite["findings"]  # /health is public: the matrix (wrongly, on purpose) says it is not
    assert finding["rule_id"] == "access:unauthenticated" and finding["cwe"] == 862 and finding["action"] == "FAIL"
    assert finding["instances"][0]["request"].startswith("GET /health HTTP/1.1")
    assert "Authorization" not in finding["instances"][0]["request"]  # nobody logged in
    failed = [c["expression"] for c in result.json()["criteria"] if c["outcome"] == "failed"]
    assert failed == ["alerts.fail == 0"]
    # the officer's cell the matrix did not list is skipped, by name
    skipped = {item["name"] for item in suite["coverage"]["operations_skipped"]}
    assert skipped == {"officer: GET /health"} and suite["metrics"]["access.cells_skipped"] == 1
    sarif = json.loads((run_dir / "sarif.json").read_text(encoding="utf-8"))
    assert "access:unauthenticated" in json.dumps(sarif)
    no_password_in(run_dir)


def test_a_role_whose_login_fails_is_an_error_and_the_other_suites_run(
    repo: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    (tmp_path / "quick").mkdir()
    (tmp_path / "quick/test_quick.py").write_text("def test_quick():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    profile = write_profile(
        f"""\
        extends: {repo}/profiles/go-live.yaml
        suites:
          - {{name: quick, kind: unit, options: {{paths: [quick]}}}}
        report: {{language: en}}
        """
    )
    # the matrix file reads the admin's password from ${DEMO_ADMIN_PASSWORD:-demo-admin-pw}
    result = run_cli(
        "run", str(profile), "--suite", "access-control", "--suite", "quick", "--json", "--quiet",
        "--out", str(tmp_path / "reports"), env={"DEMO_ADMIN_PASSWORD": "not-the-admins-password"},
    )  # fmt: skip
    assert result.code == 3, result.stderr
    run_dir = Path(result.json()["run_dir"])
    suites = {s["name"]: s for s in json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["suites"]}
    assert suites["quick"]["status"] == "passed"
    error = suites["access-control"]["error"]
    assert suites["access-control"]["status"] == "error"
    assert error.startswith("login as role 'admin' failed:") and "answered HTTP 401" in error, error
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert b"not-the-admins-password" not in path.read_bytes(), path
    assert "not-the-admins-password" not in result.stdout + result.stderr


def test_an_unreachable_target_is_an_error(
    repo: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    profile = write_profile(
        f"extends: {repo}/profiles/go-live.yaml\n"
        "target: {start: null, base_url: 'http://127.0.0.1:9', auth: null}\nreport: {language: en}\n"
    )
    result, _, suites = run(run_cli, profile, tmp_path)
    assert result.code == 3 and suites["access-control"]["status"] == "error"
    assert "127.0.0.1:9 is unreachable" in suites["access-control"]["error"]


def test_a_matrix_no_answer_of_which_decides_anything_is_an_error_never_a_pass(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    profile = write_profile(
        """\
        project: {name: Undecided}
        target: {start: demo}
        suites:
          - name: access-control
            kind: access-control
            options:
              roles: {officer: {auth: {type: login, username: officer, password: demo-officer-pw}}}
              endpoints:   # the demo has no PUT here: 405 says neither allowed nor denied
                - {method: PUT, path: /api/me, expect: {anonymous: denied, officer: allowed}}
        report: {language: en}
        """
    )
    result, _, suites = run(run_cli, profile, tmp_path)
    suite = suites["access-control"]
    assert result.code == 3 and suite["status"] == "error" and "no cell" in suite["error"]
    assert suite["metrics"]["access.cells_tested"] == 0 and suite["metrics"]["access.cells_skipped"] == 2
    reasons = {str(item["reason"]["text"]) for item in suite["coverage"]["operations_skipped"]}
    assert reasons == {"the answer (HTTP 405) means neither allowed nor denied"}


def test_the_matrix_can_live_in_a_file_next_to_the_profile(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    write_profile(
        """\
        roles:
          applicant: {auth: {type: login, username: zhangsan, password: "${APPLICANT_PASSWORD}"}}
          admin: {auth: {type: login, username: admin, password: demo-admin-pw}}
        endpoints:
          - {path: /api/admin/users, expect: {anonymous: denied, applicant: denied, admin: allowed}}
        """,
        name="access-matrix.yaml",
    )
    profile = write_profile(
        """\
        project: {name: Matrix file}
        target: {start: demo}
        suites:
          - {name: access-control, kind: access-control, options: {matrix_file: access-matrix.yaml}}
        report: {language: en}
        """
    )
    result = run_cli(
        "run", str(profile), "--json", "--quiet", "--out", str(tmp_path / "reports"),
        env={"APPLICANT_PASSWORD": "demo-applicant-pw"},
    )  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr
    run_dir = Path(result.json()["run_dir"])
    (suite,) = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["suites"]
    assert suite["status"] == "passed" and suite["metrics"]["access.cells_tested"] == 3
    no_password_in(run_dir)
    # a matrix file that is not one: validate refuses it at FILE:LINE, before anything runs
    (tmp_path / "access-matrix.yaml").write_text("roles: {}\nendpoints: []\n", encoding="utf-8")
    refused = run_cli("validate", str(profile))
    assert refused.code == 2 and "access-matrix.yaml" in refused.stderr + refused.stdout
    assert "the matrix needs roles and endpoints" in refused.stderr + refused.stdout
