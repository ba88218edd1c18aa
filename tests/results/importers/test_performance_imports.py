"""``kind: import`` with ``format: jtl`` / ``locust-csv`` through the real CLI: criteria, report, bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from harness.results.importers.jtl import DEFAULT_COLUMN_SETS

T0 = 1_700_000_000_000


def _jtl(path: Path, seconds: int, slow_from: int) -> None:
    lines = [",".join(DEFAULT_COLUMN_SETS[0])]
    for second in range(seconds):
        for index in range(5):
            elapsed = 2500 if second >= slow_from else 40 + index
            label = "GET /api/applications" if index % 2 else "POST /api/applications"
            lines.append(
                f"{T0 + second * 1000 + index * 100},{elapsed},{label},200,OK,TG 1-{index},text,true,,100,50,5,5,"
                f"http://127.0.0.1/x,{elapsed},0,1"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_jtl_import_criteria_and_a_broken_file_beside_it(
    tmp_path: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any]
) -> None:
    _jtl(tmp_path / "steady.jtl", 30, slow_from=99)
    _jtl(tmp_path / "degrading.jtl", 30, slow_from=15)
    (tmp_path / "truncated.jtl").write_text(",".join(DEFAULT_COLUMN_SETS[0]) + f"\n{T0},12,GET /x,200\n")
    profile = write_profile(
        """
        project: {name: imported load tests}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        report: {language: zh-CN}
        suites:
          - name: jmeter-steady
            kind: import
            options: {format: jtl, paths: [steady.jtl]}
            criteria:
              - p95 < 500ms
              - error_rate < 1%
              - 'endpoint("GET /api/applications").p95 < 300ms'
              - "p95 > 2s for 10s : abort"
          - name: jmeter-degrading
            kind: import
            options: {format: jtl, paths: [degrading.jtl]}
            criteria: ["p95 > 2s for 10s : abort"]
          - name: jmeter-broken
            kind: import
            options: {format: jtl, paths: [truncated.jtl]}
        """
    )
    result = run_cli("run", str(profile), "--json")
    # a failed criterion of a completed suite is final, so the run FAILs; the unreadable suite is a reason too
    assert result.code == 1, result.stdout + result.stderr
    summary = result.json()
    assert any(reason.startswith("suite jmeter-broken could not run") for reason in summary["verdict_reasons"])
    run = json.loads((Path(summary["run_dir"]) / "run.json").read_text())
    suites = {s["name"]: s for s in run["suites"]}
    assert suites["jmeter-steady"]["kind"] == "performance" and suites["jmeter-steady"]["metrics"]["requests"] == 150
    assert suites["jmeter-broken"]["status"] == "error"
    assert f"{tmp_path / 'truncated.jtl'}:2:" in suites["jmeter-broken"]["error"]
    outcomes = {(c["suite"], c["expression"]): c["outcome"] for c in run["criteria"]}
    assert outcomes[("jmeter-steady", "p95 < 500ms")] == "passed"
    assert outcomes[("jmeter-steady", 'endpoint("GET /api/applications").p95 < 300ms')] == "passed"
    assert outcomes[("jmeter-steady", "p95 > 2s for 10s : abort")] == "passed"
    assert outcomes[("jmeter-degrading", "p95 > 2s for 10s : abort")] == "failed"  # the replayed timeseries
    text = "".join(page.extract_text() for page in PdfReader(Path(summary["run_dir"]) / "report.pdf").pages)
    assert "各接口性能" in text and "GET /api/applications" in text


def test_locust_csv_import(tmp_path: Path, write_profile: Callable[..., Path], run_cli: Callable[..., Any]) -> None:
    stats = (
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
        "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
        "GET,/,10,0,5,6,1,20,100,2.0,0.0,5,6,7,8,10,12,20,20,20,20,20\n"
        ",Aggregated,10,0,5,6,1,20,100,2.0,0.0,5,6,7,8,10,12,20,20,20,20,20\n"
    )
    (tmp_path / "old_run_stats.csv").write_text(stats)
    profile = write_profile(
        """
        project: {name: imported locust run}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - name: locust-elsewhere
            kind: import
            options: {format: locust-csv, paths: ["old_run_*.csv"]}
            criteria: [p95 < 50ms, rps >= 1]
        """
    )
    result = run_cli("run", str(profile), "--json")
    assert result.code == 0, result.stdout + result.stderr
    assert result.json()["suites"][0]["metrics"]["p95"] == 0.012
