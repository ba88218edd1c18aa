"""Shared pieces of the Locust benchmarks: profiles run through ``harness run`` and Locust's own CSV figures."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
LOCUSTFILE = REPO / "suites" / "performance" / "locustfile.py"
HARNESS = Path(sys.executable).with_name("harness")


def aggregated(stats_csv: Path) -> dict[str, str]:
    """The ``Aggregated`` row of a Locust ``*_stats.csv``."""
    with stats_csv.open(newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")


def final_figures(locust_json: Path) -> tuple[float, int]:
    """``(requests/s, requests)`` from Locust's final ``--json-file`` output, computed as Locust computes its
    total RPS (requests / (last request - start)). The CSVs are rewritten once a second, so a bare Locust's
    CSV may miss the last second; its JSON, written at exit, does not."""
    entries = json.loads(locust_json.read_text())
    requests = sum(int(e["num_requests"]) for e in entries)
    start = min(float(e["start_time"]) for e in entries)
    last = max(float(e["last_request_timestamp"] or start) for e in entries)
    return (requests / (last - start) if last > start else 0.0), requests


def harness_run(workdir: Path, url: str, options: dict[str, Any]) -> tuple[dict[str, Any], Path]:
    """Run one performance suite through ``harness run``; returns the suite from run.json and its raw dir."""
    workdir.mkdir(parents=True, exist_ok=True)
    profile = workdir / "profile.yaml"
    profile.write_text(
        yaml.safe_dump(
            {
                "project": {"name": "benchmark"},
                "target": {"base_url": url, "scope": ["127.0.0.1"]},
                "suites": [{"name": "perf", "kind": "performance", "options": options, "criteria": ["requests >= 0"]}],
            }
        )
    )
    done = subprocess.run(
        [str(HARNESS), "run", str(profile), "--json", "--quiet", "--out", str(workdir / "reports")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if not done.stdout.strip():
        raise SystemExit(f"harness run failed:\n{done.stderr}")
    run_dir = Path(json.loads(done.stdout)["run_dir"])
    suite: dict[str, Any] = json.loads((run_dir / "run.json").read_text())["suites"][0]
    return suite, run_dir / "raw" / "perf"
