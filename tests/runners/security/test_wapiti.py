"""The wapiti engine end to end: real wapiti3 (installed by make setup) against the real demo target."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow


def test_wapiti_finds_the_demo_weaknesses_and_the_report_names_the_engine(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    profile = write_profile(
        """
        project: {name: 演示项目}
        target:
          start: demo
          auth: {type: login, url: /api/auth/token, username: officer, password: demo-officer-pw}
        suites:
          - name: security
            kind: security
            options: {engine: auto, mode: full, max_minutes: 0.5, rules: {"wapiti:reflected-cross-site-scripting": FAIL}}
        report: {language: zh-CN}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"), env={"PATH": "/usr/bin:/bin"})
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert suite["tool"]["name"] == "wapiti" and suite["tool"]["version"].startswith("3.2.")
    found = {f["rule_id"]: f for f in suite["findings"]}
    # missing security headers, cookie without HttpOnly, reflected XSS at /portal/search?q=
    assert {"wapiti:clickjacking-protection", "wapiti:mime-type-confusion"} <= set(found)
    assert "wapiti:content-security-policy-configuration" in found
    assert "portal_session" in found["wapiti:httponly-flag-cookie"]["instances"][0]["evidence"]
    xss = found["wapiti:reflected-cross-site-scripting"]
    assert xss["risk"] == "medium" and xss["instances"][0]["param"] == "q"
    assert xss["instances"][0]["url"].endswith("/portal/search") and xss["action"] == "FAIL"
    assert result.code == 1 and suite["status"] == "failed"
    # the login token the harness sent as a header never lands in the evidence
    for path in (run_dir / "raw/security").iterdir():
        assert "Bearer " not in path.read_text(errors="replace").replace("Bearer ***", ""), path
    text = "".join(page.extract_text() for page in PdfReader(run_dir / "report.pdf").pages)
    assert "wapiti 3.2." in text and "扫描引擎" in text and "Reflected Cross Site Scripting" in text
    assert "整改建议" in text and "规则处理" in text
