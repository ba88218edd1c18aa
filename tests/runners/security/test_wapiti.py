"""The wapiti engine end to end: real wapiti3 (installed by make setup) against real servers on 127.0.0.1.

Each run happens under the network guard (conftest.netguard): any lookup of or connection to a host that
is not loopback, by the harness, the demo target or wapiti, is refused and logged, and the log must stay
empty — wapiti's fingerprinting (wapp) and its CVE lookup work offline from the harness's database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from demo_scans import NO_ZAP, DemoScans
from net_guard import NetGuard
from pypdf import PdfReader

from harness.demo.weaknesses import DETECTED_BY
from harness.results.findings import FindingSet
from harness.results.model import Risk, ToolInfo
from harness.runners.security.engine import ScanOutcome
from harness.runners.security.wapiti_report import read_report
from tests.redirector import redirecting_target

WAPITI_PYTHON = Path(sys.prefix) / "tools" / "wapiti" / "bin" / "python"


@pytest.mark.slow
def test_the_network_guard_catches_lookups_in_wapitis_interpreter(netguard: NetGuard) -> None:
    """The control: without it, an empty guard log would prove nothing."""
    probe = "import socket\ntry:\n    socket.getaddrinfo('wapiti-scanner.github.io', 443)\nexcept PermissionError:\n    pass"
    subprocess.run([str(WAPITI_PYTHON), "-c", probe], env=netguard.env, check=True, timeout=60)
    assert len(netguard.attempts()) == 1 and "wapiti-scanner.github.io" in netguard.attempts()[0]


@pytest.mark.slow
def test_wapiti_finds_every_documented_weakness_of_the_demo_offline(demo_scans: DemoScans) -> None:
    result, run_dir, suite = demo_scans.weak.result, demo_scans.weak.run_dir, demo_scans.weak.suite
    assert suite["tool"]["name"] == "wapiti" and suite["tool"]["version"].startswith("3.2.")
    assert suite["status"] == "failed" and result.code == 1, suite.get("error") or suite.get("notes")
    found = {f["rule_id"]: f for f in suite["findings"]}
    missed = {name: d.wapiti for name, d in DETECTED_BY.items() if not set(d.wapiti) & set(found)}
    assert not missed, f"documented weaknesses without a finding: {missed}; found {sorted(found)}"
    # missing security headers, cookie without HttpOnly, reflected XSS at /portal/search?q=
    assert {"wapiti:clickjacking-protection", "wapiti:mime-type-confusion"} <= set(found)
    assert "portal_session" in found["wapiti:httponly-flag-cookie"]["instances"][0]["evidence"]
    xss = found["wapiti:reflected-cross-site-scripting"]
    assert xss["risk"] == "medium" and xss["instances"][0]["param"] == "q"
    place = xss["instances"][0]  # reproducible: the full URL with the payload, the payload, the request as sent
    assert "/portal/search?q=" in place["url"] and xss["action"] == "FAIL"
    assert "<" in place["attack"] and place["request"].startswith("GET /portal/search?q=")
    # the feedback form without an anti-CSRF token
    csrf = found["wapiti:cross-site-request-forgery"]
    assert csrf["risk"] == "medium" and csrf["instances"][0]["method"] == "POST"
    assert csrf["instances"][0]["url"].endswith("/portal/feedback") and csrf["cwe"] == 352
    # server banner: the Server and X-Powered-By headers, from the harness's own fingerprint database
    technologies = {i["evidence"] for i in found["wapiti:fingerprint-web-technology"]["instances"]}
    assert {"Uvicorn (Web servers)", "FastAPI (Web frameworks)"} <= technologies
    version = found["wapiti:fingerprint-web-application-framework"]
    assert version["risk"] == "low" and version["instances"][0]["evidence"] == "Python 3.11 (Programming languages)"
    # what it covered: pages crawled, URLs each module attacked, requests (counted by the scope proxy)
    coverage = suite["coverage"]
    assert coverage["urls_found"] >= 5 and 0 < coverage["urls_scanned"] <= coverage["urls_found"]
    assert coverage["requests"] > coverage["urls_found"] and {"xss", "csrf", "wapp"} <= set(coverage["rules_run"])
    assert {item["name"] for item in coverage["rules_refused"]} >= {"nikto", "ssrf", "log4shell"}
    assert suite["metrics"]["scan.requests"] == coverage["requests"] and suite["stopped"] is None
    # nothing but 127.0.0.1: no lookup, no connection, no attempt to download a database
    assert demo_scans.weak.netguard_log == []
    log = (run_dir / "raw/security/wapiti.log").read_text(errors="replace")
    assert "Launching module wapp" in log and "Downloading" not in log and "Problem with local wapp" not in log
    # the login token: added by the scope proxy, wapiti never held it, so no file can contain it
    for path in (run_dir / "raw/security").iterdir():
        assert "Bearer " not in path.read_text(errors="replace"), path
    assert (run_dir / "raw/security/wapiti.log").stat().st_mode & 0o077 == 0
    text = "".join(page.extract_text() for page in PdfReader(run_dir / "report.pdf").pages)
    assert "wapiti 3.2." in text and "扫描引擎" in text and "Reflected Cross Site Scripting" in text
    assert "Cross Site Request Forgery" in text and "Fingerprint web application framework" in text
    assert "整改建议" in text and "规则处理" in text


@pytest.mark.slow
def test_wapiti_finds_none_of_them_once_they_are_switched_off(demo_scans: DemoScans) -> None:
    result, suite = demo_scans.fixed.result, demo_scans.fixed.suite
    assert suite["status"] == "passed" and result.code == 0, suite.get("error") or suite.get("notes")
    documented = {rule for detection in DETECTED_BY.values() for rule in detection.wapiti}
    assert documented.isdisjoint(f["rule_id"] for f in suite["findings"]), suite["findings"]
    assert demo_scans.fixed.netguard_log == []


class _Banners(BaseHTTPRequestHandler):
    """A page served with the banners of software whose CVEs wapiti tracks (nginx, PHP)."""

    def version_string(self) -> str:
        return "nginx/1.18.0"  # the Server header

    def do_GET(self) -> None:
        body = b"<!doctype html><html><head><title>index</title></head><body><p>hello</p></body></html>"
        self.send_response(200)
        self.send_header("X-Powered-By", "PHP/7.4.3")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def banner_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Banners)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_version_disclosures_of_cve_tracked_software_never_reach_for_cve_data(
    write_profile: Callable[..., Path],
    run_cli: Callable[..., Any],
    tmp_path: Path,
    netguard: NetGuard,
    banner_url: str,
) -> None:
    profile = write_profile(
        f"""
        project: {{name: banners}}
        target: {{base_url: "{banner_url}", scope: [127.0.0.1]}}
        suites:
          - {{name: security, kind: security, options: {{engine: wapiti, mode: baseline, max_minutes: 5, wapiti: {{modules: [wapp]}}}}}}
        report: {{language: en}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), env=netguard.env)
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert result.code == 0, suite.get("error") or suite.get("notes")
    found = {f["rule_id"]: f for f in suite["findings"]}
    server = found["wapiti:fingerprint-web-server"]
    assert (
        server["risk"] == "low" and server["instances"][0]["evidence"] == "Nginx 1.18.0 (Web servers, Reverse proxies)"
    )
    framework = found["wapiti:fingerprint-web-application-framework"]
    assert framework["instances"][0]["evidence"] == "PHP 7.4.3 (Programming languages)"
    assert netguard.attempts() == []
    log = (run_dir / "raw/security/wapiti.log").read_text(errors="replace")
    assert "Nginx ['1.18.0'] detected" in log and "CVE" not in log, log


def _wapp_entry(info: str, level: int = 0) -> dict[str, object]:
    return {"method": "GET", "path": "/", "info": info, "level": level, "parameter": "", "module": "wapp",
            "http_request": "GET / HTTP/1.1\nhost: 127.0.0.1"}  # fmt: skip


def test_wapp_findings_are_normalised(tmp_path: Path) -> None:
    python = json.dumps({"name": "Python", "versions": ["3.11"], "cpe": "", "categories": ["Programming languages"]})
    uvicorn = json.dumps({"name": "Uvicorn", "versions": [], "categories": ["Web servers"], "groups": ["Servers"]})
    report = {
        "infos": {"target": "http://127.0.0.1:8000/"},
        "classifications": {
            "Fingerprint web application framework": {"desc": "d", "sol": "s", "ref": {"OWASP": "https://owasp.org"}},
            "Fingerprint web technology": {"desc": "d", "sol": "s", "ref": {}},
            "Fingerprint web server": {"desc": "d", "sol": "s", "ref": {}},
        },
        "vulnerabilities": {
            "Fingerprint web application framework": [_wapp_entry(python)],
            "Fingerprint web server": [_wapp_entry("not json")],
        },
        "anomalies": {},
        "additionals": {"Fingerprint web technology": [_wapp_entry(python), _wapp_entry(uvicorn)]},
    }
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    outcome = ScanOutcome(FindingSet("wapiti"), ToolInfo(name="wapiti"))
    read_report(path, outcome)
    found = {f.rule_id: f for f in outcome.findings.findings()}
    # version disclosures: wapiti's level 0, rated low as ZAP rates 10036/10037
    framework = found["wapiti:fingerprint-web-application-framework"]
    assert framework.risk is Risk.LOW and framework.instances[0].evidence == "Python 3.11 (Programming languages)"
    assert "X-Powered-By" in framework.solution
    assert found["wapiti:fingerprint-web-server"].risk is Risk.LOW
    assert found["wapiti:fingerprint-web-server"].instances[0].evidence == "not json"  # kept as wapiti wrote it
    # the names alone stay info; one finding at GET /, one instance per technology
    names = found["wapiti:fingerprint-web-technology"]
    assert names.risk is Risk.INFO and names.solution == "s"
    assert [i.evidence for i in names.instances] == ["Python 3.11 (Programming languages)", "Uvicorn (Web servers)"]
    assert names.instances[0].url == "http://127.0.0.1:8000/" and names.instances[0].other == "module wapp"


def _wapiti_command_lines(stop: threading.Event, seen: list[str]) -> None:
    """Collect the command line of every wapiti process while a scan runs (as any local user could)."""
    while not stop.is_set():
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if "launch.py" in line and "--max-scan-time" in line and line not in seen:
                seen.append(line)
        stop.wait(0.05)


SITE_PAGES = {
    "/": "<html><body><a href='/a'>a</a> <a href='/moved'>moved</a> <a href='/logout'>out</a>"
    "<form action='/search'><input name='q'></form></body></html>",
    "/a": "<html><body><a href='/'>home</a> <a href='/elsewhere?x=1'>x</a></body></html>",
    "/search": "<html><body>nothing found</body></html>",
    "/logout": "<html><body>bye</body></html>",
}


@pytest.mark.slow
def test_wapiti_never_leaves_the_scope_nor_shows_the_token_on_its_command_line(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    token = "Bearer planted-3c9f1e7a5b"
    with redirecting_target(SITE_PAGES) as site:
        profile = write_profile(
            f"""
            project: {{name: scope}}
            target: {{base_url: "{site.url}", scope: [127.0.0.1]}}
            suites:
              - name: security
                kind: security
                options:
                  engine: wapiti
                  mode: full
                  max_minutes: 10
                  exclude: ['.*/logout.*']
                  auth: {{header: Authorization, value_env: SCAN_TOKEN}}
            report: {{language: en}}
            """
        )
        stop, lines = threading.Event(), []
        watcher = threading.Thread(target=_wapiti_command_lines, args=(stop, lines), daemon=True)
        watcher.start()
        try:
            result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), env={"SCAN_TOKEN": token})
        finally:
            stop.set()
            watcher.join(timeout=10)
        run_dir = Path(str(result.json()["run_dir"]))
        suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
        assert suite["status"] in ("passed", "failed"), suite.get("error")
        # the out-of-scope host behind the redirects got nothing; the excluded logout was never requested
        assert site.outside.requests == []
        assert not any(r.path.startswith("/logout") for r in site.front_requests)
        assert any(r.path.startswith("/search?") for r in site.front_requests)  # the attack reached the target
        # every request to the target carried the token; wapiti itself never held it
        assert site.front_requests and all(r.headers.get("Authorization") == token for r in site.front_requests)
    assert lines and not any("planted-3c9f1e7a5b" in line for line in lines), lines
    assert not any("--proxy" in line or "@127.0.0.1" in line for line in lines)  # the proxy's password neither
    for path in run_dir.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            assert "planted-3c9f1e7a5b" not in path.read_text(errors="replace"), path
    assert any("scope proxy refused" in note["text"] for note in suite["notes"])


@pytest.mark.slow
def test_the_launcher_takes_secret_arguments_from_a_private_file_and_deletes_it(tmp_path: Path) -> None:
    """The https path: wapiti must send the header itself; it gets it from a 0600 file, never argv."""
    from harness.runners.security.options import SecurityOptions
    from harness.runners.security.wapiti import _LAUNCHER, _private_file, find_wapiti, wapiti_python

    python = wapiti_python(str(find_wapiti(SecurityOptions())))
    secret = tmp_path / "args.json"
    _private_file(secret, json.dumps(["-H", "X-Api-Key: file-secret-77aa"]))
    assert secret.stat().st_mode & 0o777 == 0o600
    with redirecting_target({"/": "<html><body>hello</body></html>"}) as site:
        argv = [python, str(_LAUNCHER), "-u", site.url + "/", "-m", "http_headers", "--flush-session",
                "--store-session", str(tmp_path / "s"), "--store-config", str(tmp_path / "c"), "-f", "json",
                "-o", str(tmp_path / "r.json"), "--max-scan-time", "30"]  # fmt: skip
        env = {**os.environ, "HARNESS_WAPITI_ARGS": str(secret), "HARNESS_WAPITI_DEADLINE": "60"}
        completed = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180, cwd=tmp_path)
        assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
        assert site.front_requests and all(
            r.headers.get("X-Api-Key") == "file-secret-77aa" for r in site.front_requests
        )
    assert not secret.exists()
    assert "file-secret-77aa" not in " ".join(argv)


@pytest.mark.slow
def test_a_tiny_budget_names_the_cap_that_fired_and_the_option_that_raises_it(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, demo_url: str
) -> None:
    profile = write_profile(
        f"""
        project: {{name: caps}}
        target: {{base_url: "{demo_url}", scope: [127.0.0.1]}}
        suites:
          - {{name: scan, kind: security, options: {{engine: wapiti, mode: full, max_minutes: 0.05}}}}
        report: {{language: en}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), env=NO_ZAP)
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert suite["status"] == "incomplete" and result.code == 3, suite
    stopped = suite["stopped"]
    assert stopped["cause"] == "time-cap" and stopped["option"] == "suites.scan.options.max_minutes"
    assert stopped["cap"] in ("max_minutes", "crawl share of max_minutes") and stopped["limit"] <= 3.0
    assert "raise suites.scan.options.max_minutes" in suite["error"]
    if stopped["cap"] == "crawl share of max_minutes":
        assert "crawl stopped after 1.5 s" in suite["error"]
    else:
        assert "max_minutes budget (0.05 min) ran out" in suite["error"] or "still running" in suite["error"]


@pytest.mark.slow
def test_a_target_that_does_not_answer_is_never_a_pass(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    with redirecting_target({"/": "<html>up</html>"}) as site:
        url = site.url
    profile = write_profile(
        f"""
        project: {{name: down}}
        target: {{base_url: "{url}", scope: [127.0.0.1]}}
        suites:
          - {{name: security, kind: security, options: {{engine: wapiti, mode: baseline, max_minutes: 2}}}}
        report: {{language: en}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"))
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert suite["status"] == "error" and result.code != 0, suite
    assert "unavailable" in suite["error"] or "found no URL" in suite["error"]


@pytest.mark.slow
def test_an_api_scan_of_a_spec_naming_production_scans_the_targets_operations(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, demo_url: str
) -> None:
    import requests

    spec = requests.get(f"{demo_url}/openapi.json", timeout=10).json()
    spec["servers"] = [{"url": "https://permits.example.gov.cn"}]
    (tmp_path / "api.json").write_text(json.dumps(spec), encoding="utf-8")
    profile = write_profile(
        f"""
        project: {{name: api}}
        target: {{base_url: "{demo_url}", scope: [127.0.0.1]}}
        suites:
          - {{name: api, kind: security, options: {{engine: wapiti, mode: api, openapi: api.json, max_minutes: 10,
              exclude: ['.*/api/auth/.*'], wapiti: {{modules: [http_headers, xss]}}}}}}
        report: {{language: en}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), env=NO_ZAP)
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert suite["status"] in ("passed", "failed"), suite.get("error")
    coverage = suite["coverage"]
    assert coverage["spec_servers_replaced"] == ["https://permits.example.gov.cn"]
    assert coverage["operations_imported"] >= 10
    skipped = {item["name"]: item["reason"] for item in coverage["operations_skipped"]}
    assert "POST /api/auth/token" in skipped and "exclude" in skipped["POST /api/auth/token"]["text"]
    assert coverage["operations_scanned"] >= coverage["operations_imported"] // 2
    copy = json.loads((run_dir / "raw/api/openapi-target.json").read_text())
    assert copy["servers"] == [{"url": demo_url}]
