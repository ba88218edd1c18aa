"""Two real wapiti scans of the demo, made once per test session (tests/shared_once.py) and shared by the
tests that need them (tests/runners/security/test_wapiti.py, tests/history/test_demo_weakness_diff.py):

- ``weak``:  the demo with every documented weakness switched on, report in zh-CN;
- ``fixed``: then the same demo with every weakness switched off, report in English, its baseline the first.

Both run under the network guard (tests/runners/security/netguard), each with its own log, and record into
one run history, in that order. A scan of the demo takes 15-20 s on a busy machine: one pair for
the session instead of one per test."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from harness_cli import CliResult, harness
from net_guard import NetGuard
from shared_once import once_per_session

NO_ZAP = {"PATH": "/usr/bin:/bin"}  # engine auto must pick wapiti even where a ZAP is installed

_PROFILE = """\
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
      max_minutes: 10   # a budget, not a duration: the scan takes what it needs (10-15 s)
      rules: {{"wapiti:reflected-cross-site-scripting": FAIL}}
baseline: previous
report: {{language: {language}}}
"""


@dataclass(frozen=True)
class DemoScan:
    result: CliResult
    run_dir: Path
    netguard_log: list[str]  # lookups of or connections to other hosts than loopback: must stay empty

    @property
    def suite(self) -> dict[str, Any]:
        suite: dict[str, Any] = json.loads((self.run_dir / "run.json").read_text(encoding="utf-8"))["suites"][0]
        return suite


@dataclass(frozen=True)
class DemoScans:
    weak: DemoScan
    fixed: DemoScan
    history: Path  # both runs, weak first; copy it before opening it (tests/demo_scans.py is read-only)


def _scan(base: Path, name: str, weaknesses: str, language: str, history: Path) -> dict[str, Any]:
    profile = base / "demo-scan.yaml"  # one profile (the history's baselines are per profile), rewritten
    profile.write_text(_PROFILE.format(weaknesses=weaknesses, language=language), encoding="utf-8")
    guard = NetGuard.logging_to(base / f"{name}-netguard.log")
    result = harness(
        "run", str(profile), "--json", "--out", str(base / "runs"), "--history", str(history),
        cwd=base, env={**NO_ZAP, **guard.env}, timeout=900,
    )  # fmt: skip
    return {"code": result.code, "stdout": result.stdout, "stderr": result.stderr, "netguard_log": guard.attempts()}


def _scan_pair(base: Path) -> dict[str, Any]:
    history = base / "history.sqlite"
    return {
        "weak": _scan(base, "weak", "all", "zh-CN", history),
        "fixed": _scan(base, "fixed", "none", "en", history),
        "history": str(history),
    }


def _demo_scan(record: dict[str, Any]) -> DemoScan:
    result = CliResult(record["code"], record["stdout"], record["stderr"])
    try:
        run_dir = Path(str(result.json()["run_dir"]))
    except (ValueError, KeyError) as exc:
        raise AssertionError(f"the scan wrote no run directory: {result}") from exc
    return DemoScan(result, run_dir, record["netguard_log"])


@pytest.fixture(scope="session")
def demo_scans(tmp_path_factory: pytest.TempPathFactory) -> DemoScans:
    record = once_per_session(tmp_path_factory, "shared-demo-scans", _scan_pair)
    return DemoScans(_demo_scan(record["weak"]), _demo_scan(record["fixed"]), Path(record["history"]))


@pytest.fixture
def demo_scan_history(demo_scans: DemoScans, tmp_path: Path) -> Path:
    """A private copy of the two scans' run history."""
    for part in demo_scans.history.parent.glob(demo_scans.history.name + "*"):  # with -wal/-shm if left
        shutil.copyfile(part, tmp_path / part.name)
    return tmp_path / demo_scans.history.name
