"""The pytest runner, end to end through `harness run`: real pytest subprocesses, real JUnit XML."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.redirector import redirecting_target

pytestmark = pytest.mark.slow


def write_suite(directory: Path, **files: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (directory / f"{name}.py").write_text(body, encoding="utf-8")
    return directory


def run_json(run_dir: str) -> dict:  # type: ignore[type-arg]
    return json.loads((Path(run_dir) / "run.json").read_text())


def test_a_failing_test_fails_the_run_with_its_message(tmp_path, write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_suite(
        tmp_path / "checks",
        test_fees="def test_ok():\n    assert True\n\n"
        "def test_fee():\n    assert 2800 == 2500, 'construction fee for 1200 m2 is wrong'\n",
    )
    profile = write_profile(
        """\
        project: {name: Fee service}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - {name: unit, kind: unit, options: {paths: [checks]}}
        report: {language: en}
        """
    )
    result = run_cli("run", str(profile), "--json", "--quiet")
    assert result.code == 1, result.stderr
    summary = result.json()
    assert summary["verdict"] == "FAIL"
    run = run_json(str(summary["run_dir"]))
    (failed,) = [c for c in run["suites"][0]["cases"] if c["status"] == "failed"]
    assert failed["name"] == "test_fee"
    assert "construction fee for 1200 m2 is wrong" in failed["message"]
    assert run["criteria"][0]["expression"] == "pass_rate >= 100%"
    assert run["criteria"][0]["default"] is True
    pdf_text = subprocess.run(
        ["pdftotext", str(Path(summary["run_dir"]) / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "construction fee for 1200 m2 is wrong" in pdf_text
    assert "FAIL" in pdf_text


def test_a_suite_that_cannot_start_is_an_error_and_the_run_goes_on(tmp_path, write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    # (a test path that does not exist never gets this far: validate refuses it, tests/profile/test_paths.py)
    write_suite(tmp_path / "broken", test_imports="import no_such_module_anywhere\n\ndef test_x():\n    pass\n")
    write_suite(tmp_path / "good", test_ok="def test_ok():\n    pass\n")
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - {name: broken, kind: unit, options: {paths: [broken]}}
          - {name: good, kind: unit, options: {paths: [good]}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--quiet")
    assert result.code == 3, result.stderr
    suites = {s["name"]: s for s in result.json()["suites"]}  # type: ignore[union-attr]
    assert suites["broken"]["status"] == "error"
    assert "collection" in suites["broken"]["error"]
    assert "no_such_module_anywhere" in suites["broken"]["error"]
    assert suites["good"]["status"] == "passed"
    # the reason, for the report in its language: pytest's words stay a parameter (shown as the tool's own)
    run = json.loads((Path(str(result.json()["run_dir"])) / "run.json").read_text(encoding="utf-8"))
    (note,) = next(s for s in run["suites"] if s["name"] == "broken")["notes"]
    assert note["key"] == "error.any.tool_output" and note["params"]["why"]["key"] == "error.pytest.interrupted"
    assert "no_such_module_anywhere" in note["params"]["output"]


def test_a_suite_over_its_time_limit_is_stopped_and_keeps_what_ran(tmp_path, write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_suite(
        tmp_path / "slow",
        test_a="def test_quick():\n    pass\n",
        test_b="import time\n\ndef test_sleepy():\n    time.sleep(600)\n",
    )
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - {name: slow, kind: unit, timeout: 12, options: {paths: [slow]}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--quiet", timeout=60)
    assert result.code == 3
    (suite,) = result.json()["suites"]  # type: ignore[misc]
    assert suite["status"] == "incomplete"
    assert suite["error"] == "stopped: time limit of 12s reached"  # (room for a slow start on a busy machine)
    assert suite["tests"]["passed"] == 1
    assert suite["stopped"]["cause"] == "time-cap" and suite["stopped"]["limit"] == 12
    assert "raise suites.slow.timeout" in suite["stopped"]["text"]


TARGET_TESTS = """
import pytest
from harness.errors import ScopeError


def test_api_joins_the_base_url_and_is_authenticated(api, base_url, target):
    assert base_url.startswith("http://127.0.0.1:")
    assert api.headers["Authorization"].startswith("Bearer ")
    assert api.get("/api/me").json()["username"] == "officer"
    assert target.version == "1.4.2"


def test_api_refuses_hosts_outside_the_scope(api):
    with pytest.raises(ScopeError):
        api.get("http://example.org/")


def test_sessions_without_auth(target):
    with target.session(auth=False) as anonymous:
        assert anonymous.get("/api/me").status_code == 401
"""


def test_fixtures_hand_tests_the_target(tmp_path, write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_suite(tmp_path / "api", test_target=TARGET_TESTS)
    profile = write_profile(
        """\
        project: {name: X}
        target:
          start: demo
          auth: {type: login, username: officer, password: demo-officer-pw}
        suites:
          - name: api
            kind: integration
            options: {paths: [api]}
            criteria: [pass_rate >= 100%]
        """
    )
    result = run_cli("run", str(profile), "--json", "--quiet")
    assert result.code == 0, result.stdout + result.stderr
    summary = result.json()
    assert summary["suites"][0]["tests"]["passed"] == 3  # type: ignore[index]
    assert summary["target"]["version"] == "1.4.2"  # type: ignore[index]
    raw = Path(str(summary["run_dir"])) / "raw" / "api"
    assert (raw / "junit.xml").is_file()
    assert list((raw / "allure-results").glob("*-result.json"))


def test_coverage_becomes_a_metric(repo: Path, write_profile: Callable[..., Path], run_cli) -> None:  # type: ignore[no-untyped-def]
    profile = write_profile(
        """\
        project: {name: X}
        target: {base_url: "http://127.0.0.1:9"}
        suites:
          - name: unit
            kind: unit
            options: {paths: ["{repo}/suites/unit"], coverage: [harness.demo.domain], markers: workflow}
            criteria: ["coverage >= 10%", "tests >= 5"]
        """
    )
    result = run_cli("run", str(profile), "--json", "--quiet")
    assert result.code == 0, result.stdout + result.stderr
    metrics = result.json()["suites"][0]["metrics"]  # type: ignore[index]
    assert 0.1 <= metrics["coverage"] < 1.0  # the workflow tests alone cover part of the module
    assert metrics["tests"] < 63  # -m workflow selected a subset


REDIRECTED_TESTS = """
def test_api_reaches_the_target(api):
    assert api.get("/ok").json() == {"ok": True}


def test_api_follows_a_redirect(api):
    api.get("/moved")


def test_a_new_session_posts_to_a_redirect(target):
    with target.session() as session:
        session.post("/moved/again", json={"a": 1})
"""

AUTH_BLOCKS = {
    "bearer": '{type: bearer, token: "${SCOPE_TEST_SECRET}"}',
    "basic": '{type: basic, username: qa, password: "${SCOPE_TEST_SECRET}"}',
    "header": '{type: header, name: X-Api-Key, value: "${SCOPE_TEST_SECRET}"}',
}


@pytest.mark.parametrize("auth", sorted(AUTH_BLOCKS))
def test_redirects_out_of_the_scope_are_refused_at_every_hop(tmp_path, write_profile, run_cli, auth: str) -> None:  # type: ignore[no-untyped-def]
    write_suite(tmp_path / "redirected", test_redirected=REDIRECTED_TESTS)
    with redirecting_target(pages={"/ok": '{"ok": true}'}) as site:
        profile = write_profile(
            f"""\
            project: {{name: Scope}}
            target:
              base_url: "{site.url}"
              scope: [127.0.0.1]
              version_path: /version
              auth: {AUTH_BLOCKS[auth]}
            suites:
              - {{name: api, kind: integration, options: {{paths: [redirected]}}}}
            """
        )
        result = run_cli("run", str(profile), "--json", "--quiet", env={"SCOPE_TEST_SECRET": "s3cr3t-redirect-9q"})
        outside = list(site.outside.requests)
    assert outside == []  # not one request reached the host outside the scope: not the probe, not a test
    assert result.code == 1, result.stdout + result.stderr
    run = run_json(str(result.json()["run_dir"]))
    cases = {c["name"]: c for c in run["suites"][0]["cases"]}
    assert cases["test_api_reaches_the_target"]["status"] == "passed"
    for name in ("test_api_follows_a_redirect", "test_a_new_session_posts_to_a_redirect"):
        assert cases[name]["status"] == "failed"
        assert "ScopeError: refusing the redirect from" in cases[name]["message"] + cases[name].get("details", "")
    assert run["target"]["version"] == ""  # the version probe was redirected outside: not followed


def test_a_login_redirected_out_of_the_scope_is_a_target_error(tmp_path, write_profile, run_cli) -> None:  # type: ignore[no-untyped-def]
    write_suite(tmp_path / "redirected", test_redirected=REDIRECTED_TESTS)
    with redirecting_target(pages={"/ok": '{"ok": true}'}) as site:
        profile = write_profile(
            f"""\
            project: {{name: Scope}}
            target:
              base_url: "{site.url}"
              auth: {{type: login, username: qa, password: "${{SCOPE_TEST_SECRET}}"}}
            suites:
              - {{name: api, kind: integration, options: {{paths: [redirected]}}}}
            """
        )
        result = run_cli("run", str(profile), "--json", "--quiet", env={"SCOPE_TEST_SECRET": "s3cr3t-login-7k"})
        outside = list(site.outside.requests)
    assert outside == []
    assert result.code == 3, result.stdout + result.stderr
    (suite,) = result.json()["suites"]  # type: ignore[misc]
    assert suite["status"] == "error"
    assert "login at" in suite["error"] and "refusing the redirect" in suite["error"]
    assert "s3cr3t-login-7k" not in result.stdout + result.stderr
