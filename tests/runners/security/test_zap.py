"""The ZAP engine end to end: the real ``harness`` command and the real ``zaproxy`` client against the
ZAP JSON-API test double (tests/zapdouble), seeded from a real ZAP 2.9.0 transcript."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.runners.security.conftest import API_KEY
from tests.zapdouble import Behaviour, ZapDouble

pytestmark = pytest.mark.slow

ZAP_DIR = Path(__file__).resolve().parents[2] / "zapdouble"


def run_scan(
    run_cli: Callable[..., Any], profile: Path, tmp_path: Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], Path]:
    result = run_cli(
        "run", str(profile), "--json", "--out", str(tmp_path / "runs"), env={"ZAP_API_KEY": API_KEY, **(env or {})}
    )
    summary = result.json()
    run_dir = Path(str(summary["run_dir"]))
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return result.code, run["suites"][0], run_dir


def zap_options(double: ZapDouble, mode: str = "baseline", extra: str = "", zap: str = "") -> str:
    more = f", {zap}" if zap else ""
    return f"engine: zap\nmode: {mode}\nzap: {{api_url: '{double.api_url}', poll_seconds: 0.05{more}}}\n{extra}"


def test_baseline_spiders_waits_for_passive_scan_and_collects_paged_alerts(
    zap_double, security_profile, run_cli, tmp_path, demo_url
):
    code, suite, run_dir = run_scan(run_cli, security_profile(zap_options(zap_double, zap="page_size: 40")), tmp_path)
    assert code == 0, suite
    assert suite["status"] == "passed"
    assert suite["tool"] == {"name": "ZAP", "version": "2.9.0"}
    # baseline: no active scan; passive alerts only (the transcript's sourceid 3)
    assert zap_double.calls("ascan/action/scan") == []
    assert zap_double.calls("spider/action/scan")[0]["url"] == demo_url + "/"
    assert zap_double.calls("spider/action/scan")[0]["contextName"] == "harness-security"
    pages = zap_double.calls("core/view/alerts")
    assert all(p["count"] == "40" and p["baseurl"] == demo_url for p in pages)
    assert {p["start"] for p in pages} >= {"0", "40", "80"}  # paged, not one giant call
    alerts = json.loads((run_dir / "raw/security/zap-alerts.json").read_text())["alerts"]
    assert len(alerts) == 327 and all(a["sourceid"] == "3" for a in alerts)
    names = {f["name"] for f in suite["findings"]}
    assert {"Cross-Domain Misconfiguration", "X-Frame-Options Header Not Set", "Cookie No HttpOnly Flag"} <= names
    assert suite["metrics"]["alerts.high"] == 0 and suite["metrics"]["alerts.medium"] > 0
    # 2.9.0 has no reports add-on: generate answered no_implementor, the core report was kept instead
    assert zap_double.calls("reports/action/generate") and zap_double.calls("core/other/jsonreport")
    report = json.loads((run_dir / "raw/security/zap-report.json").read_text())
    assert report["@version"] == "2.9.0" and report["site"][0]["@name"] == demo_url
    sarif = json.loads((run_dir / "sarif.json").read_text())
    assert sarif["runs"][0]["tool"]["driver"]["version"] == "2.9.0"


def test_full_scan_runs_the_active_scan_with_policy_and_reports_through_the_reports_addon(
    security_profile, run_cli, tmp_path
):
    behaviour = Behaviour(version="2.16.0", reports_addon=True, policies=("Default Policy", "quick-injection"))
    with ZapDouble(api_key=API_KEY, behaviour=behaviour) as double:
        options = zap_options(double, "full", zap="policy: quick-injection")
        code, suite, run_dir = run_scan(run_cli, security_profile(options), tmp_path)
    assert code == 0, suite
    scan = double.calls("ascan/action/scan")[0]
    assert scan["scanPolicyName"] == "quick-injection" and scan["inScopeOnly"] == "True"
    assert scan["contextId"] == "1"
    names = {f["name"] for f in suite["findings"]}
    assert "Format String Error" in names  # an active-scan alert of the transcript
    assert double.calls("core/other/jsonreport") == []  # the reports add-on answered
    assert (run_dir / "raw/security/zap-report.json").is_file() and (run_dir / "raw/security/zap-report.html").is_file()


def test_api_mode_imports_the_openapi_document_of_the_target_then_scans(
    zap_double, security_profile, run_cli, tmp_path, demo_url
):
    code, suite, _ = run_scan(
        run_cli, security_profile(zap_options(zap_double, "api", "openapi: /openapi.json")), tmp_path
    )
    assert code == 0, suite
    imported = zap_double.calls("openapi/action/importUrl")
    assert imported[0]["url"] == demo_url + "/openapi.json"
    assert imported[0]["hostOverride"] == urlsplit(demo_url).netloc
    assert zap_double.calls("ascan/action/scan")[0]["url"] == demo_url


def test_rule_file_sets_fail_warn_ignore_and_outofscope_like_zap_baseline(
    zap_double, security_profile, run_cli, tmp_path
):
    (tmp_path / "rules.tsv").write_text(
        "# demo rules\n10098\tFAIL\t(Cross-Domain Misconfiguration)\n10096\tIGNORE\t(Timestamp Disclosure - Unix)\n"
        "10020\tWARN\t(X-Frame-Options Header Not Set)\n10021\tOUTOFSCOPE\t.*/xml$\n",
        encoding="utf-8",
    )
    code, suite, _ = run_scan(
        run_cli, security_profile(zap_options(zap_double, extra="rules_file: rules.tsv")), tmp_path
    )
    assert code == 1  # FAIL verdict: alerts.fail == 0 (the default criterion) failed
    assert suite["status"] == "failed"
    actions = {f["rule_id"]: f["action"] for f in suite["findings"]}
    assert actions["10098"] == "FAIL" and actions["10096"] == "IGNORE" and actions["10020"] == "WARN"
    assert actions["10038"] == "INFO"  # not listed: judged by its risk (low -> INFO, fail_on: high)
    cors = [f for f in suite["findings"] if f["rule_id"] == "10098"]
    assert suite["metrics"]["alerts.fail"] == len(cors) > 0
    assert not any(
        i["url"].endswith("/xml") for f in suite["findings"] if f["rule_id"] == "10021" for i in f["instances"]
    )


def test_wrong_api_key_is_a_suite_error_naming_the_url_never_the_key(zap_double, security_profile, run_cli, tmp_path):
    code, suite, run_dir = run_scan(
        run_cli, security_profile(zap_options(zap_double)), tmp_path, env={"ZAP_API_KEY": "wrong-key-123456"}
    )
    assert code == 3
    assert suite["status"] == "error"
    assert zap_double.api_url in suite["error"] and "bad_api_key" in suite["error"]
    for path in run_dir.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            assert "wrong-key-123456" not in path.read_text(errors="replace"), path


def test_unreachable_zap_is_a_suite_error_naming_the_url(security_profile, run_cli, tmp_path):
    double = ZapDouble(api_key=API_KEY)
    url = double.api_url
    double.stop()  # the port is closed again: nothing listens there
    options = f"engine: zap\nzap: {{api_url: '{url}'}}"
    code, suite, _ = run_scan(run_cli, security_profile(options), tmp_path)
    assert code == 3 and suite["status"] == "error"
    assert url in suite["error"] and API_KEY not in suite["error"]


@pytest.mark.parametrize("zap_double", [Behaviour(die_after_ascan_polls=1)], indirect=True)
def test_zap_dying_mid_scan_keeps_the_findings_so_far_and_is_incomplete(
    zap_double, security_profile, run_cli, tmp_path
):
    code, suite, run_dir = run_scan(run_cli, security_profile(zap_options(zap_double, "full")), tmp_path)
    assert code == 3
    assert suite["status"] == "incomplete"
    assert "ZAP stopped answering" in suite["error"] and zap_double.api_url in suite["error"]
    assert suite["findings"] and suite["metrics"]["alerts.medium"] > 0  # the passive findings survived
    assert json.loads((run_dir / "raw/security/zap-alerts.json").read_text())["alerts"]
    assert (run_dir / "report.pdf").is_file()


@pytest.mark.parametrize("zap_double", [Behaviour(ascan_never_finishes=True)], indirect=True)
def test_active_scan_is_stopped_at_max_minutes_and_marked_incomplete(zap_double, security_profile, run_cli, tmp_path):
    code, suite, _ = run_scan(run_cli, security_profile(zap_options(zap_double, "full", "max_minutes: 0.02")), tmp_path)
    assert code == 3 and suite["status"] == "incomplete"
    assert "max_minutes" in suite["error"]
    assert zap_double.calls("ascan/action/stop") == [{"scanId": "0"}]


def test_out_of_scope_openapi_url_is_refused_before_anything_reaches_zap(
    zap_double, security_profile, run_cli, tmp_path
):
    options = zap_options(zap_double, "api", "openapi: http://api.example.org/openapi.json")
    code, suite, _ = run_scan(run_cli, security_profile(options), tmp_path)
    assert code == 3 and suite["status"] == "error"
    assert "outside target.scope" in suite["error"]
    assert zap_double.requests == []


def test_out_of_scope_openapi_file_servers_are_refused(zap_double, security_profile, run_cli, tmp_path):
    (tmp_path / "api.json").write_text(
        json.dumps({"openapi": "3.0.0", "servers": [{"url": "https://prod.example.org"}]})
    )
    code, suite, _ = run_scan(run_cli, security_profile(zap_options(zap_double, "api", "openapi: api.json")), tmp_path)
    assert code == 3 and "prod.example.org" in suite["error"]
    assert zap_double.requests == []


def test_no_out_of_scope_url_is_ever_sent_to_zap(zap_double, security_profile, run_cli, tmp_path, demo_url):
    options = zap_options(zap_double, "api", "openapi: /openapi.json\nexclude: ['.*/logout.*']\ninclude: ['/api/.*']")
    code, _, _ = run_scan(run_cli, security_profile(options), tmp_path)
    assert code == 0
    sent = zap_double.sent_urls()
    assert sent and all(urlsplit(url).hostname == "127.0.0.1" for url in sent)
    # every context include is anchored at the target; the spider, active scan and proxy exclude
    # everything whose host is not in scope
    context = zap_double.state.contexts["harness-security"]
    assert all(r.startswith("^" + re.escape(demo_url)) for r in context["include"])
    guard = zap_double.state.excluded["spider"][-1]
    assert re.match(guard, "http://evil.example.org/x") and not re.match(guard, demo_url + "/api/me")
    assert guard in zap_double.state.excluded["ascan"] and guard in zap_double.state.excluded["proxy"]


def test_header_token_from_an_environment_variable_becomes_a_replacer_rule(
    zap_double, security_profile, run_cli, tmp_path, demo_url
):
    options = zap_options(zap_double, extra="auth: {header: X-Api-Token, value_env: SCAN_TOKEN}")
    code, suite, _ = run_scan(run_cli, security_profile(options), tmp_path, env={"SCAN_TOKEN": "token-value-9f8e7d"})
    assert code == 0
    rule = next(iter(zap_double.state.replacer.values()))
    assert rule["matchType"] == "REQ_HEADER" and rule["matchString"] == "X-Api-Token"
    assert rule["replacement"] == "token-value-9f8e7d" and rule["url"].startswith("^" + re.escape(demo_url))
    assert "token-value-9f8e7d" not in json.dumps(suite)
    code, suite, _ = run_scan(run_cli, security_profile(options), tmp_path, env={"SCAN_TOKEN": ""})
    assert code == 3 and "SCAN_TOKEN" in suite["error"]


def test_the_harness_starts_an_installed_zap_and_shuts_it_down(security_profile, run_cli, tmp_path):
    env = {"ZAP_HOME": str(ZAP_DIR), "HARNESS_TEST_PYTHON": sys.executable}
    code, suite, run_dir = run_scan(
        run_cli, security_profile("engine: auto\nzap: {poll_seconds: 0.05, startup_timeout: 60}"), tmp_path, env=env
    )
    assert code == 0, suite
    assert suite["tool"]["name"] == "ZAP"
    assert any("started by the harness" in note for note in suite["notes"])
    log = (run_dir / "raw/security/zap-daemon.log").read_text()
    assert "double listening" in log


def test_zap_rules_command_writes_a_default_rule_file_like_dash_g(zap_double, run_cli, tmp_path):
    out = tmp_path / "rules.tsv"
    result = run_cli(
        "zap", "rules", "--out", str(out), "--api-url", zap_double.api_url, "--full", env={"ZAP_API_KEY": API_KEY}
    )
    assert result.code == 0, result.stderr
    lines = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    assert "10020\tWARN\t(X-Frame-Options Header Not Set)" in lines
    assert any(line.startswith("40018\tWARN\t") for line in lines)  # an active rule (SQL Injection)
    again = run_cli("zap", "rules", "--out", str(out), "--api-url", zap_double.api_url, env={"ZAP_API_KEY": "bad"})
    assert again.code == 2 and "exists" in again.stderr
