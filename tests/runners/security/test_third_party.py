"""The security suite against a web application nobody here wrote: httpbin (tests/httpbin_app.py), scanned by
real wapiti through the harness. httpbin has an open redirect (``/redirect-to?url=``) and endpoints that make a
scanner wait or download without end (``/delay``, ``/drip``, ``/stream``): the first must be found without
anything leaving the scope, the others kept out with ``exclude``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from httpbin_app import httpbin_server


@pytest.fixture
def httpbin_url(tmp_path: Path) -> Iterator[str]:
    with httpbin_server(tmp_path) as url:
        yield url


@pytest.mark.slow
def test_wapiti_finds_httpbins_open_redirect_without_leaving_the_scope(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, httpbin_url: str
) -> None:
    profile = write_profile(
        f"""
        project: {{name: httpbin}}
        target: {{base_url: "{httpbin_url}", scope: [127.0.0.1]}}
        suites:
          - name: security
            kind: security
            options:
              engine: wapiti
              mode: full
              max_minutes: 10
              exclude: ['.*/(delay|stream|stream-bytes|range|bytes|links)/.*', '.*/drip.*']
              wapiti: {{modules: [redirect, http_headers, cookieflags]}}
        report: {{language: en}}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"))
    run_dir = Path(str(result.json()["run_dir"]))
    suite = json.loads((run_dir / "run.json").read_text())["suites"][0]
    assert suite["status"] in ("passed", "failed"), suite.get("error")
    found = {f["rule_id"]: f for f in suite["findings"]}
    redirect = found["wapiti:open-redirect"]
    instance = redirect["instances"][0]
    assert urlsplit(instance["url"]).path == "/redirect-to" and instance["param"] == "url"
    assert parse_qs(urlsplit(instance["url"]).query)["url"] == [instance["attack"]]  # the URL that reproduces it
    assert {"wapiti:clickjacking-protection", "wapiti:mime-type-confusion"} <= set(found)
    # the endpoints that stall a scanner were refused by the scope proxy, never sent to httpbin
    assert any("scope proxy refused" in note for note in suite["notes"])
    proxy = json.loads((run_dir / "raw/security/scope-proxy.json").read_text())
    assert f"GET {httpbin_url}/delay/3" in proxy["refused"] and proxy["refused_count"] >= len(proxy["refused"])
    assert list(proxy["forwarded"]) == [httpbin_url]  # requests per origin: httpbin only
    log = (run_dir / "raw/security/wapiti.log").read_text(errors="replace")
    assert "Launching module redirect" in log
    coverage = suite["coverage"]
    assert coverage["urls_found"] >= 30 and coverage["requests"] > coverage["urls_found"]
    assert coverage["rules_run"] == ["redirect", "http_headers", "cookieflags"]
