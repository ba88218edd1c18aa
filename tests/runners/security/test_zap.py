"""The ZAP engine end to end: the real ``harness`` command and the real ``zaproxy`` client against the
ZAP JSON-API test double (tests/zapdouble), in both generations: ZAP 2.9.0 as the real daemon behaved
(tests/data/zap/, ../shared/zap/README.md) and a current ZAP (2.16)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.redirector import RedirectingSite, redirecting_target
from tests.runners.security.conftest import API_KEY
from tests.zapdouble import Behaviour, ZapDouble

pytestmark = pytest.mark.slow

ZAP_DIR = Path(__file__).resolve().parents[2] / "zapdouble"
GENERATIONS = {"2.9.0": Behaviour.legacy, "2.16": Behaviour.current}
TOKEN = "token-value-9f8e7d6c"


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


def zap_options(double: ZapDouble, mode: str = "baseline", extra: str = "", zap: str = "", poll: float = 0.05) -> str:
    more = f", {zap}" if zap else ""
    return f"engine: zap\nmode: {mode}\nzap: {{api_url: '{double.api_url}', poll_seconds: {poll}{more}}}\n{extra}"


@pytest.fixture(params=sorted(GENERATIONS))
def generation(request: pytest.FixtureRequest) -> Callable[..., Behaviour]:
    """``generation(**changes)``: a Behaviour of ZAP 2.9.0 or of a current ZAP (each test runs with both)."""
    return GENERATIONS[request.param]


@pytest.fixture
def doubles() -> Iterator[Callable[[Behaviour], ZapDouble]]:
    """``doubles(behaviour)``: a started double, stopped after the test."""
    started: list[ZapDouble] = []

    def make(behaviour: Behaviour) -> ZapDouble:
        double = ZapDouble(api_key=API_KEY, behaviour=behaviour).start()
        started.append(double)
        return double

    yield make
    for double in started:
        if not double.dead:
            double.stop()


@pytest.fixture
def double_of(
    generation: Callable[..., Behaviour], doubles: Callable[[Behaviour], ZapDouble]
) -> Callable[..., ZapDouble]:
    """``double_of(**changes)``: a double of each generation in turn (the test runs once per generation),
    for what differs between them: paging, key errors, auth scoping, cleanup."""
    return lambda **changes: doubles(generation(**changes))


@pytest.fixture
def legacy(doubles: Callable[[Behaviour], ZapDouble]) -> Callable[..., ZapDouble]:
    """``legacy(**changes)``: a ZAP 2.9.0 double, for tests whose point does not depend on the generation."""
    return lambda **changes: doubles(Behaviour.legacy(**changes))


@pytest.fixture
def current(doubles: Callable[[Behaviour], ZapDouble]) -> Callable[..., ZapDouble]:
    """``current(**changes)``: a ZAP 2.16 double."""
    return lambda **changes: doubles(Behaviour.current(**changes))


def profile_for(write_profile: Callable[..., Path], base_url: str, options: str) -> Path:
    body = "\n".join("      " + line for line in options.strip().splitlines())
    return write_profile(
        "project: {name: zap-tests}\n"
        f"target: {{base_url: '{base_url}', scope: [127.0.0.1]}}\n"
        "suites:\n  - name: security\n    kind: security\n    options:\n" + body + "\nreport: {language: en}\n"
    )


def left_in_daemon(double: ZapDouble) -> dict[str, object]:
    """What a run may leave behind in the daemon (all must be as before the run)."""
    return {
        "replacer": dict(double.config.replacer),
        "contexts": [c for c in double.state.contexts if c.startswith("harness-")],
        "chain": double.config.upstream_proxy(),
        "spider.MaxDepth": double.config.options["spider.MaxDepth"],
        "excluded": {k: list(v) for k, v in double.state.excluded.items()},
    }


def test_baseline_keeps_exactly_the_alert_set_zap_holds_and_says_what_it_covered(
    double_of, security_profile, run_cli, tmp_path, demo_url
):
    double = double_of()
    code, suite, run_dir = run_scan(run_cli, security_profile(zap_options(double, zap="page_size: 40")), tmp_path)
    assert code == 0, suite
    assert suite["status"] == "passed"
    assert suite["tool"] == {"name": "ZAP", "version": double.behaviour.version}
    assert double.calls("ascan/action/scan") == []  # baseline: no active scan
    assert double.calls("spider/action/scan")[0]["url"] == demo_url + "/"
    pages = [p for p in double.calls("core/view/alerts") if p["count"] == "40"]
    assert all(p["baseurl"] == demo_url for p in pages) and len(pages) >= 8  # paged, not one giant call
    # the raw file holds exactly what ZAP holds: 2.9.0 pages from 1 above start=0, current ZAP from 0
    held = double.alerts_for(demo_url)
    kept = json.loads((run_dir / "raw/security/zap-alerts.json").read_text())["alerts"]
    assert len(kept) == len(held) == 327 and [a["id"] for a in kept] == [a["id"] for a in held]
    offset = 1 if double.behaviour.paging_one_based else 0
    assert {p["start"] for p in pages} >= {"0", str(40 + offset), str(80 + offset)}
    names = {f["name"] for f in suite["findings"]}
    assert {"Cross-Domain Misconfiguration", "X-Frame-Options Header Not Set", "Cookie No HttpOnly Flag"} <= names
    # ZAP's own report: the reports add-on when installed, else core/other/jsonreport (2.9.0)
    report = json.loads((run_dir / "raw/security/zap-report.json").read_text())
    assert report["@version"] == double.behaviour.version and report["site"][0]["@name"] == demo_url
    in_report = [a for site in report["site"] for a in site["alerts"]]
    if double.behaviour.legacy_report:  # 2.9.0 leaves empty fields out; current ZAP writes them empty
        assert all(a.get("otherinfo", "absent") for a in in_report) and any("otherinfo" not in a for a in in_report)
    else:
        assert all("otherinfo" in a for a in in_report)
    assert ("alertRef" in kept[0]) == double.behaviour.alert_ref  # newer alert fields, handled either way
    assert bool(double.calls("reports/action/generate")) == double.behaviour.reports_addon
    assert bool(double.calls("core/other/jsonreport")) != double.behaviour.reports_addon
    # what was covered, from ZAP's API and the scope proxy ZAP sent its requests through
    coverage = suite["coverage"]
    spidered = {s.url for s in double.sent if s.url.startswith(demo_url)}
    assert coverage["urls_found"] == len(spidered) > 5
    assert coverage["requests"] == len([s for s in double.sent if s.url.startswith(demo_url)])
    assert "10020" in coverage["rules_run"] and coverage["urls_scanned"] is None
    assert suite["metrics"]["scan.urls"] == coverage["urls_found"]
    assert suite["metrics"]["scan.rules"] == len(coverage["rules_run"])
    assert left_in_daemon(double)["chain"] == ""


def test_full_scan_runs_the_active_scan_and_reads_coverage(security_profile, run_cli, tmp_path):
    behaviour = Behaviour.current(policies=("Default Policy", "quick-injection"))
    with ZapDouble(api_key=API_KEY, behaviour=behaviour) as double:
        options = zap_options(double, "full", zap="policy: quick-injection")
        code, suite, run_dir = run_scan(run_cli, security_profile(options), tmp_path)
    assert code == 0, suite
    scan = double.calls("ascan/action/scan")[0]
    assert scan["scanPolicyName"] == "quick-injection" and scan["inScopeOnly"] == "True"
    assert scan["contextId"] == "2"  # the context the runner created (the Default Context is 1)
    assert "Format String Error" in {f["name"] for f in suite["findings"]}  # an active-scan alert
    assert double.calls("core/other/jsonreport") == []  # the reports add-on answered
    assert (run_dir / "raw/security/zap-report.html").is_file()
    coverage = suite["coverage"]
    attacked = {s.url.split("?")[0] for s in double.sent if "zap=" in s.url}
    assert coverage["urls_scanned"] == len(attacked) > 0
    assert "40018" in coverage["rules_run"]  # an active rule (SQL injection) that completed
    assert suite["metrics"]["scan.urls_scanned"] == coverage["urls_scanned"]


def test_rule_file_sets_fail_warn_ignore_and_outofscope_like_zap_baseline(legacy, security_profile, run_cli, tmp_path):
    (tmp_path / "rules.tsv").write_text(
        "# demo rules\n10098\tFAIL\t(Cross-Domain Misconfiguration)\n10096\tIGNORE\t(Timestamp Disclosure - Unix)\n"
        "10020\tWARN\t(X-Frame-Options Header Not Set)\n10021\tOUTOFSCOPE\t.*/xml$\n",
        encoding="utf-8",
    )
    double = legacy()
    code, suite, _ = run_scan(run_cli, security_profile(zap_options(double, extra="rules_file: rules.tsv")), tmp_path)
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


def test_a_refused_api_key_is_reported_as_such_naming_the_url_never_the_key(
    double_of, security_profile, run_cli, tmp_path
):
    double = double_of()
    code, suite, run_dir = run_scan(
        run_cli, security_profile(zap_options(double)), tmp_path, env={"ZAP_API_KEY": "wrong-key-123456"}
    )
    assert code == 3 and suite["status"] == "error"
    assert suite["error"].startswith("the API key was refused") and double.api_url in suite["error"]
    assert "ZAP_API_KEY" in suite["error"] and "unreachable" not in suite["error"]
    if double.behaviour.fail_silently:  # 2.9.0: the keyed call got its connection closed
        assert "closed the connection" in suite["error"]
    else:
        assert "bad_api_key" in suite["error"]
    for path in run_dir.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            assert "wrong-key-123456" not in path.read_text(errors="replace"), path


def test_something_closing_every_connection_is_not_called_unreachable(security_profile, run_cli, tmp_path):
    behaviour = Behaviour.legacy(version_without_key=False)
    with ZapDouble(api_key=API_KEY, behaviour=behaviour) as double:
        code, suite, _ = run_scan(
            run_cli, security_profile(zap_options(double)), tmp_path, env={"ZAP_API_KEY": "wrong-key-123456"}
        )
    assert code == 3 and "closed the connection without a reply" in suite["error"]
    assert "API key was refused" in suite["error"]


def test_unreachable_zap_is_a_suite_error_naming_the_url(security_profile, run_cli, tmp_path):
    double = ZapDouble(api_key=API_KEY)
    url = double.api_url
    double.stop()  # the port is closed again: nothing listens there
    code, suite, _ = run_scan(run_cli, security_profile(f"engine: zap\nzap: {{api_url: '{url}'}}"), tmp_path)
    assert code == 3 and suite["status"] == "error"
    assert url in suite["error"] and "unreachable" in suite["error"] and API_KEY not in suite["error"]


@pytest.fixture
def sites() -> Iterator[tuple[RedirectingSite, RedirectingSite]]:
    """(the target, another in-scope origin): the target links to a page that redirects out of scope."""
    pages = {
        "/": "<html><body><a href='/a'>a</a> <a href='/moved'>moved</a> <a href='/logout'>out</a></body></html>",
        "/a": "<html><body><a href='/'>home</a> <a href='/b?id=1'>b</a></body></html>",
        "/b": "<html><body>b</body></html>",
        "/logout": "<html><body>bye</body></html>",
    }
    with redirecting_target(pages) as target, redirecting_target({"/": "<html>other</html>"}) as other:
        yield target, other


def test_an_auth_header_reaches_only_the_targets_origin_and_nothing_follows_a_redirect_out(
    double_of, write_profile, run_cli, tmp_path, sites
):
    target, other = sites
    double = double_of(probe_url=other.url + "/")  # like rule 10106, the active scan requests another origin
    options = zap_options(
        double, "full", "auth: {header: X-Api-Token, value_env: SCAN_TOKEN}\nexclude: ['.*/logout.*']"
    )
    code, suite, run_dir = run_scan(
        run_cli, profile_for(write_profile, target.url, options), tmp_path, env={"SCAN_TOKEN": TOKEN}
    )
    assert code == 0, suite
    # the target got the token on every request; the other origin got requests, none with the token
    assert target.front_requests and all(r.headers.get("X-Api-Token") == TOKEN for r in target.front_requests)
    assert other.front_requests and not any("X-Api-Token" in r.headers for r in other.front_requests)
    # the redirect to 127.0.0.2 was never followed, the excluded logout never requested
    assert target.outside.requests == [] and other.outside.requests == []
    assert not any(r.path.startswith("/logout") for r in target.front_requests)
    assert double.sent_to(target.outside.url) == []
    assert left_in_daemon(double)["replacer"] == {}
    for path in run_dir.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            assert TOKEN not in path.read_text(errors="replace"), path


def test_two_runs_in_a_row_against_one_daemon_both_work_and_leave_it_as_it_was(
    double_of, write_profile, run_cli, tmp_path, sites
):
    target, _ = sites
    double = double_of()
    user_exclude = "^http://example\\.invalid/.*$"
    requests.get(f"http://zap/JSON/spider/action/excludeFromScan/?regex={user_exclude}",
                 proxies={"http": double.api_url}, headers={"X-ZAP-API-Key": API_KEY}, timeout=10)  # fmt: skip
    before = left_in_daemon(double)
    options = zap_options(
        double, "full", "auth: {header: X-Api-Token, value_env: SCAN_TOKEN}", zap="new_session: false"
    )
    profile = profile_for(write_profile, target.url, options)
    for _ in range(2):
        code, suite, _ = run_scan(run_cli, profile, tmp_path, env={"SCAN_TOKEN": TOKEN})
        assert code == 0, suite
        assert left_in_daemon(double) == before
    # current ZAP: a replacer rule limited to the origin, removed each time; 2.9.0: the scope proxy adds it
    assert bool(double.calls("replacer/action/removeRule")) == double.behaviour.replacer_url


def test_auth_a_daemon_cannot_scope_is_refused_before_anything_is_sent(write_profile, run_cli, tmp_path, sites):
    target, _ = sites
    with ZapDouble(api_key=API_KEY, behaviour=Behaviour.legacy()) as double:
        options = zap_options(
            double, "full", "auth: {header: X-Api-Token, value_env: SCAN_TOKEN}", zap="scope_proxy: false"
        )
        code, suite, _ = run_scan(
            run_cli, profile_for(write_profile, target.url, options), tmp_path, env={"SCAN_TOKEN": TOKEN}
        )
        assert code == 3 and suite["status"] == "error"
        assert "cannot limit an auth header to the target" in suite["error"] and "ZAP 2.12" in suite["error"]
        assert double.sent == [] and double.config.replacer == {} and left_in_daemon(double)["contexts"] == []


def test_a_stale_rule_of_a_killed_run_is_removed(legacy, security_profile, run_cli, tmp_path):
    double = legacy()
    double.config.replacer["harness-auth-dead0000-0"] = {
        "description": "harness-auth-dead0000-0", "enabled": "true", "matchType": "REQ_HEADER",
        "matchString": "X-Api-Token", "replacement": "old-secret-value",
    }  # fmt: skip
    code, suite, _ = run_scan(run_cli, security_profile(zap_options(double)), tmp_path)
    assert code == 0, suite
    assert double.config.replacer == {}
    assert not any(s.headers.get("X-Api-Token") for s in double.sent)
    assert any("left in ZAP by an earlier run" in note["text"] for note in suite["notes"])


@pytest.mark.parametrize(
    ("behaviour", "addon"),
    [(Behaviour.legacy(ajax_addon=False), "spiderAjax"), (Behaviour.current(openapi_addon=False), "openapi")],
)
def test_a_missing_addon_is_found_before_any_scan_starts(
    doubles, security_profile, run_cli, tmp_path, behaviour, addon
):
    double = doubles(behaviour)
    mode = "api" if addon == "openapi" else "baseline"
    extra = "openapi: /openapi.json" if addon == "openapi" else ""
    zap = "ajax_spider: true" if addon == "spiderAjax" else ""
    code, suite, _ = run_scan(run_cli, security_profile(zap_options(double, mode, extra, zap=zap)), tmp_path)
    assert code == 3 and suite["status"] == "error"
    assert f"no {addon} add-on" in suite["error"] and "install it" in suite["error"]
    assert double.calls("spider/action/scan") == [] and double.calls("context/action/newContext") == []
    assert double.sent == []


def test_zap_dying_mid_scan_keeps_the_findings_so_far_and_is_incomplete(legacy, security_profile, run_cli, tmp_path):
    double = legacy(die_after_ascan_polls=1)
    code, suite, run_dir = run_scan(run_cli, security_profile(zap_options(double, "full")), tmp_path)
    assert code == 3 and suite["status"] == "incomplete"
    assert "ZAP stopped answering" in suite["error"] and double.api_url in suite["error"]
    assert suite["stopped"]["cause"] == "tool-died"
    assert suite["findings"] and suite["metrics"]["alerts.medium"] > 0  # the passive findings survived
    assert json.loads((run_dir / "raw/security/zap-alerts.json").read_text())["alerts"]
    assert (run_dir / "report.pdf").is_file()


def test_a_capped_active_scan_names_its_cap_and_zaps_progress_at_the_stop(current, security_profile, run_cli, tmp_path):
    double = current(ascan_never_finishes=True)
    code, suite, _ = run_scan(
        run_cli, security_profile(zap_options(double, "full", "max_minutes: 0.02", poll=0.3)), tmp_path
    )
    assert code == 3 and suite["status"] == "incomplete"
    stopped = suite["stopped"]
    assert stopped["cause"] == "time-cap" and stopped["cap"] == "max_minutes" and stopped["limit"] == 1.2
    assert stopped["option"] == "suites.security.options.max_minutes" and stopped["elapsed"] > 1.2
    assert double.calls("ascan/action/stop") == [{"scanId": "0"}]
    # the percentage reported is ZAP's own at the stop: the last status it answered
    last = double.state.ascans["0"].percent
    assert f"active scan stopped at {last}%" in suite["error"] and "raise suites.security" in suite["error"]


def test_ctrl_c_during_the_active_scan_still_undoes_every_change(double_of, write_profile, tmp_path, sites):
    target, _ = sites
    double = double_of(ascan_never_finishes=True)
    before = left_in_daemon(double)
    options = zap_options(double, "full", "auth: {header: X-Api-Token, value_env: SCAN_TOKEN}", poll=0.1)
    profile = profile_for(write_profile, target.url, options)
    harness = Path(sys.executable).with_name("harness")
    process = subprocess.Popen(
        [str(harness), "run", str(profile), "--json", "--out", str(tmp_path / "runs")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "ZAP_API_KEY": API_KEY, "SCAN_TOKEN": TOKEN},
    )  # fmt: skip
    try:
        assert _wait_for(lambda: len(double.calls("ascan/view/status")) >= 2, process), "the active scan never ran"
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 3
    run_dir = Path(json.loads(out)["run_dir"])
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert suite["status"] == "incomplete" and suite["stopped"]["cause"] == "cancelled"
    assert left_in_daemon(double) == before


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def demo_spec(demo_url: str, servers: list[str]) -> dict[str, Any]:
    spec: dict[str, Any] = requests.get(f"{demo_url}/openapi.json", timeout=10).json()
    spec["servers"] = [{"url": url} for url in servers]
    return spec


def test_api_scan_of_a_spec_naming_production_scans_the_targets_operations(
    legacy, security_profile, run_cli, tmp_path, demo_url
):
    double = legacy()
    spec = demo_spec(demo_url, ["https://permits.example.gov.cn"])
    (tmp_path / "api.json").write_text(json.dumps(spec), encoding="utf-8")
    code, suite, run_dir = run_scan(
        run_cli, security_profile(zap_options(double, "api", "openapi: api.json")), tmp_path
    )
    assert code == 0, suite
    imported = double.calls("openapi/action/importFile")[0]
    assert imported["target"] == demo_url
    copy = json.loads((run_dir / "raw/security/openapi-target.json").read_text())
    assert copy["servers"] == [{"url": demo_url}]
    coverage = suite["coverage"]
    operations = sum(
        len([m for m in item if m in ("get", "post", "put", "delete", "patch")]) for item in spec["paths"].values()
    )
    assert coverage["operations_imported"] == operations > 5
    assert coverage["operations_scanned"] == operations and coverage["operations_skipped"] == []
    assert coverage["spec_servers_replaced"] == ["https://permits.example.gov.cn"]
    assert suite["metrics"]["scan.operations_scanned"] == operations
    assert all(urlsplit(s.url).hostname == "127.0.0.1" for s in double.sent)
    assert any("replaced by the target" in note["text"] for note in suite["notes"])


def test_api_scan_that_scans_no_operation_is_an_error(current, security_profile, run_cli, tmp_path, demo_url):
    double = current()
    options = zap_options(double, "api", "openapi: /openapi.json\nexclude: ['.*/api/.*', '.*/health', '.*/version']")
    code, suite, _ = run_scan(run_cli, security_profile(options), tmp_path)
    assert code == 3 and suite["status"] == "error"
    assert "requested none of the" in suite["error"] and "operations" in suite["error"]
    skipped = suite["coverage"]["operations_skipped"]
    assert skipped and all("exclude" in item["reason"]["text"] for item in skipped)
    assert not any("/api/" in s.url for s in double.sent)


def test_a_target_that_is_down_mid_run_is_not_a_pass(security_profile, write_profile, run_cli, tmp_path):
    with redirecting_target({"/": "<html>up</html>"}) as site:
        url = site.url
    with ZapDouble(api_key=API_KEY, behaviour=Behaviour.current()) as double:
        options = zap_options(double, zap="scope_proxy: false")
        code, suite, _ = run_scan(run_cli, profile_for(write_profile, url, options), tmp_path)
    assert suite["status"] != "passed" and code != 0
    assert "no URL" in suite["error"] or "unavailable" in suite["error"]


def test_no_out_of_scope_url_is_ever_sent_to_zap(current, security_profile, run_cli, tmp_path, demo_url):
    double = current()
    options = zap_options(double, "api", "openapi: /openapi.json\nexclude: ['.*/logout.*']\ninclude: ['/api/.*']")
    code, _, _ = run_scan(run_cli, security_profile(options), tmp_path)
    assert code == 0
    sent = double.sent_urls()
    assert sent and all(urlsplit(url).hostname == "127.0.0.1" for url in sent)
    # the context includes are anchored at the target; spider, active scan and proxy exclude other hosts
    spider_excludes = [c["regex"] for c in double.calls("spider/action/excludeFromScan")]
    guard = spider_excludes[-1]
    assert re.match(guard, "http://evil.example.org/x") and not re.match(guard, demo_url + "/api/me")
    includes = [c["regex"] for c in double.calls("context/action/includeInContext")]
    assert all(r.startswith("^" + re.escape(demo_url)) for r in includes)
    assert {c["regex"] for c in double.calls("ascan/action/excludeFromScan")} >= {guard, ".*/logout.*"}


def test_the_harness_starts_an_installed_zap_and_shuts_it_down(security_profile, run_cli, tmp_path):
    env = {"ZAP_HOME": str(ZAP_DIR), "HARNESS_TEST_PYTHON": sys.executable}
    code, suite, run_dir = run_scan(
        run_cli, security_profile("engine: auto\nzap: {poll_seconds: 0.05, startup_timeout: 60}"), tmp_path, env=env
    )
    assert code == 0, suite
    assert suite["tool"]["name"] == "ZAP"
    assert any("started by the harness" in note["text"] for note in suite["notes"])
    log = (run_dir / "raw/security/zap-daemon.log").read_text()
    assert "double listening" in log
    command_line = next(line for line in log.splitlines() if line.startswith("command line:"))
    assert "-configfile" in command_line and "api.key" not in command_line  # the key never on argv


def test_zap_rules_command_writes_a_default_rule_file_like_dash_g(legacy, run_cli, tmp_path):
    double = legacy()
    out = tmp_path / "rules.tsv"
    result = run_cli(
        "zap", "rules", "--output", str(out), "--api-url", double.api_url, "--full", env={"ZAP_API_KEY": API_KEY}
    )
    assert result.code == 0, result.stderr
    lines = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    assert "10020\tWARN\t(X-Frame-Options Header Not Set)" in lines
    assert any(line.startswith("40018\tWARN\t") for line in lines)  # an active rule (SQL Injection)
    again = run_cli("zap", "rules", "--output", str(out), "--api-url", double.api_url, env={"ZAP_API_KEY": "bad"})
    assert again.code == 2 and "exists" in again.stderr
