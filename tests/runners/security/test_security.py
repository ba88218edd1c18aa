"""The security runner's own judgement of coverage: a scan of nothing, or an API scan of no operation,
is an error; coverage metrics exist only for what the engine measured. And the wapiti options it hands on."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from harness.results.messages import render
from harness.results.model import ScanCoverage
from harness.runners.security import (
    SCAN_METRICS,
    SecurityRunner,
    coverage_metrics,
    coverage_problem,
    excluded_operations,
)
from harness.runners.security.engine import Operation, ScanPlan
from harness.runners.security.options import SecurityOptions
from harness.runners.security.wapiti import WapitiEngine


def plan(mode: str = "full", **options: object) -> ScanPlan:
    opts = SecurityOptions(mode=mode, openapi="/openapi.json" if mode == "api" else None, **options)  # type: ignore[arg-type]
    ops = (
        Operation("GET", "/api/items", "^/api/items/?$"),
        Operation("DELETE", "/api/items/{id}", "^/api/items/[^/]+/?$"),
    )
    return ScanPlan(
        suite="s", target_url="http://127.0.0.1:8000/", base_url="http://127.0.0.1:8000", include=(),
        exclude=tuple(opts.exclude), options=opts, operations=ops if mode == "api" else (),
    )  # fmt: skip


def test_a_scan_that_reached_nothing_is_an_error() -> None:
    assert "found no URL" in coverage_problem(plan(), ScanCoverage(urls_found=0, requests=0))
    assert "0 requests answered" in coverage_problem(plan(), ScanCoverage(urls_found=1, requests=0))
    assert coverage_problem(plan(), ScanCoverage(urls_found=12, requests=340)) is None
    assert coverage_problem(plan(), ScanCoverage()) is None  # the engine said nothing: not judged here


def test_an_api_scan_of_no_operation_is_an_error() -> None:
    problem = coverage_problem(plan("api"), ScanCoverage(urls_found=3, requests=9, operations_scanned=0))
    assert problem is not None and "none of the 2 operations" in problem
    assert render(problem, "zh-CN").startswith("API 扫描未请求 OpenAPI 文档 2 个接口中的任何一个")
    assert coverage_problem(plan("api"), ScanCoverage(urls_found=3, requests=9, operations_scanned=1)) is None


def test_operations_matching_exclude_are_skipped_by_name() -> None:
    assert excluded_operations(plan("api", exclude=[".*/api/items/\\d+$"])) == {
        "DELETE /api/items/{id}": ".*/api/items/\\d+$"
    }


def test_coverage_metrics_only_for_what_was_measured_and_all_known_to_validate() -> None:
    metrics = coverage_metrics(ScanCoverage(urls_found=4, requests=50, rules_run=("xss", "sql")))
    assert metrics == {"scan.urls": 4.0, "scan.requests": 50.0, "scan.rules": 2.0}
    assert SecurityRunner("security").metric_names(SecurityOptions()) >= SCAN_METRICS


def test_wapiti_exclude_urls_are_urls_or_paths_under_the_target() -> None:
    # wapiti itself refuses anything but an http(s) URL for -x, and only once the scan has begun
    with pytest.raises(ValidationError, match=r"'\*/delay/\*' is neither an http\(s\):// URL nor a path"):
        SecurityOptions(wapiti={"exclude_urls": ["*/delay/*"]})  # type: ignore[arg-type]
    options = SecurityOptions(wapiti={"exclude_urls": ["/delay/*", "http://127.0.0.1:8000/drip*"]})  # type: ignore[arg-type]
    scan = plan(**options.model_dump(include={"wapiti"}))
    argv = WapitiEngine().argv(scan, Path("/work"), Path("/work/report.json"))
    excluded = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-x"]
    assert excluded == ["http://127.0.0.1:8000/delay/*", "http://127.0.0.1:8000/drip*"]
