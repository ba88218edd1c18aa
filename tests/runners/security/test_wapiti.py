"""The wapiti engine end to end: real wapiti3 (installed by make setup) against real servers on 127.0.0.1.

Each run happens under the network guard (conftest.netguard): any lookup of or connection to a host that
is not loopback, by the harness, the demo target or wapiti, is refused and logged, and the log must stay
empty — wapiti's fingerprinting (wapp) and its CVE lookup work offline from the harness's database.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from harness.demo.weaknesses import DETECTED_BY
from harness.results.findings import FindingSet
from harness.results.model import Risk, ToolInfo
from harness.runners.security.engine import ScanOutcome
from harness.runners.security.wapiti import read_report
from tests.runners.security.conftest import NetGuard

NO_ZAP = {"PATH": "/usr/bin:/bin"}  # engine auto must pick wapiti even where a ZAP is installed
WAPITI_PYTHON = Path(sys.prefix) / "tools" / "wapiti" / "bin" / "python"


def scan_demo(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, guard: NetGuard, weaknesses: str
) -> tuple[Any, Path, dict[str, Any]]:
    profile = write_profile(
        f"""
        project: {{name: 演示项目}}
        target:
          start: demo
          demo: {{weaknesses: {weaknesses}}}
          auth: {{type: login, url: /api/auth/token, username: officer, password: demo-officer-pw}}
        suites:
          - name: security
            kind: security
            options:
              engine: auto
              mode: full
              max_minutes: 1.5
              rules: {{"wapiti:reflected-cross-site-scripting": FAIL}}
        report: {{language: zh-CN}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), env={**NO_ZAP, **guard.env})
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    return result, run_dir, suite


@pytest.mark.slow
def test_the_network_guard_catches_lookups_in_wapitis_interpreter(netguard: NetGuard) -> None:
    """The control: without it, an empty guard log would prove nothing."""
    probe = "import socket\ntry:\n    socket.getaddrinfo('wapiti-scanner.github.io', 443)\nexcept PermissionError:\n    pass"
    subprocess.run([str(WAPITI_PYTHON), "-c", probe], env=netguard.env, check=True, timeout=60)
    assert len(netguard.attempts()) == 1 and "wapiti-scanner.github.io" in netguard.attempts()[0]


@pytest.mark.slow
def test_wapiti_finds_every_documented_weakness_of_the_demo_offline(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, netguard: NetGuard
) -> None:
    result, run_dir, suite = scan_demo(write_profile, run_cli, tmp_path, netguard, "all")
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
    assert xss["instances"][0]["url"].endswith("/portal/search") and xss["action"] == "FAIL"
    # the feedback form without an anti-CSRF token
    csrf = found["wapiti:cross-site-request-forgery"]
    assert csrf["risk"] == "medium" and csrf["instances"][0]["method"] == "POST"
    assert csrf["instances"][0]["url"].endswith("/portal/feedback") and csrf["cwe"] == 352
    # server banner: the Server and X-Powered-By headers, from the harness's own fingerprint database
    technologies = {i["evidence"] for i in found["wapiti:fingerprint-web-technology"]["instances"]}
    assert {"Uvicorn (Web servers)", "FastAPI (Web frameworks)"} <= technologies
    version = found["wapiti:fingerprint-web-application-framework"]
    assert version["risk"] == "low" and version["instances"][0]["evidence"] == "Python 3.11 (Programming languages)"
    # nothing but 127.0.0.1: no lookup, no connection, no attempt to download a database
    assert netguard.attempts() == []
    log = (run_dir / "raw/security/wapiti.log").read_text(errors="replace")
    assert "Launching module wapp" in log and "Downloading" not in log and "Problem with local wapp" not in log
    # the login token the harness sent as a header never lands in the evidence
    for path in (run_dir / "raw/security").iterdir():
        assert "Bearer " not in path.read_text(errors="replace").replace("Bearer ***", ""), path
    text = "".join(page.extract_text() for page in PdfReader(run_dir / "report.pdf").pages)
    assert "wapiti 3.2." in text and "扫描引擎" in text and "Reflected Cross Site Scripting" in text
    assert "Cross Site Request Forgery" in text and "Fingerprint web application framework" in text
    assert "整改建议" in text and "规则处理" in text


@pytest.mark.slow
def test_wapiti_finds_none_of_them_once_they_are_switched_off(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, netguard: NetGuard
) -> None:
    result, _, suite = scan_demo(write_profile, run_cli, tmp_path, netguard, "none")
    assert suite["status"] == "passed" and result.code == 0, suite.get("error") or suite.get("notes")
    documented = {rule for detection in DETECTED_BY.values() for rule in detection.wapiti}
    assert documented.isdisjoint(f["rule_id"] for f in suite["findings"]), suite["findings"]
    assert netguard.attempts() == []


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
          - {{name: security, kind: security, options: {{engine: wapiti, mode: baseline, max_minutes: 0.5, wapiti: {{modules: [wapp]}}}}}}
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
