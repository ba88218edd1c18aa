"""Correctness of the harness's Locust figures, measured against Locust's own outputs.

1. One process: the harness's totals (requests, failures, RPS, average, p50/p95/p99, max) equal the
   ``Aggregated`` row of Locust's ``*_stats.csv`` (percentiles as Locust wrote them, clamped to the exact
   maximum) and the sum of Locust's final JSON entries.
2. Distributed, 1 master + 2 workers: every worker counts the requests it made itself (a request
   listener in a wrapper locustfile); the harness's total must equal the sum of both workers' counts.

    .venv/bin/python -m benchmarks.locust_aggregation [--seconds 8]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import textwrap
from pathlib import Path

from benchmarks._locust_bench import LOCUSTFILE, aggregated, final_figures, harness_run
from harness.target.managed import demo_target

COUNTING = """
import importlib.util, json, os
from locust import events
from locust.runners import WorkerRunner

_spec = importlib.util.spec_from_file_location("demo_locustfile", {locustfile!r})
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
Applicant = _module.Applicant
_COUNT = {{"requests": 0, "failures": 0}}


@events.request.add_listener
def _count(exception=None, **_):
    _COUNT["requests"] += 1
    _COUNT["failures"] += exception is not None


@events.quit.add_listener
def _save(**_):
    if _COUNT["requests"]:
        path = os.path.join(os.environ["COUNT_DIR"], f"worker-{{os.getpid()}}.json")
        with open(path, "w") as handle:
            json.dump(_COUNT, handle)
"""


def _check(label: str, harness: float, locust: float, tolerance: float = 1e-9) -> bool:
    same = abs(harness - locust) <= tolerance * max(1.0, abs(locust))
    print(f"  {label:<22} harness {harness:>12.6g}   locust {locust:>12.6g}   {'equal' if same else 'DIFFERENT'}")
    return same


def single(root: Path, url: str, seconds: int) -> bool:
    print("1 process: harness totals vs Locust's *_stats.csv Aggregated row and final JSON")
    options = {"locustfile": str(LOCUSTFILE), "users": 20, "spawn_rate": 20, "run_time": f"{seconds}s", "html": False}
    suite, raw = harness_run(root / "single", url, options)
    metrics, row = suite["metrics"], aggregated(raw / "locust_stats.csv")
    maximum = float(row["Max Response Time"])
    ok = _check("requests", metrics["requests"], float(row["Request Count"]))
    ok &= _check("failures", metrics["failures"], float(row["Failure Count"]))
    ok &= _check("rps", metrics["rps"], float(row["Requests/s"]))
    ok &= _check("avg (s)", metrics["avg"], float(row["Average Response Time"]) / 1000)
    ok &= _check("max (s)", metrics["max"], maximum / 1000)
    for percentile in (50, 95, 99):
        expected = min(float(row[f"{percentile}%"]), maximum) / 1000
        ok &= _check(f"p{percentile} (s)", metrics[f"p{percentile}"], expected)
    ok &= _check("requests (JSON)", metrics["requests"], final_figures(raw / "locust.json")[1])
    return ok


def distributed(root: Path, url: str, seconds: int) -> bool:
    print("1 master + 2 workers: harness total vs the sum of what each worker counted")
    counts = root / "counts"
    counts.mkdir(parents=True)
    locustfile = root / "counting_locustfile.py"
    locustfile.write_text(textwrap.dedent(COUNTING.format(locustfile=str(LOCUSTFILE))))
    options = {"locustfile": str(locustfile), "users": 20, "spawn_rate": 20, "run_time": f"{seconds}s", "workers": 2,
               "html": False, "env": {"COUNT_DIR": str(counts)}}  # fmt: skip
    suite, _ = harness_run(root / "distributed", url, options)
    workers = [json.loads(p.read_text()) for p in sorted(counts.glob("worker-*.json"))]
    for index, count in enumerate(workers, start=1):
        print(f"  worker {index}: {count['requests']} requests, {count['failures']} failures")
    ok = len(workers) == 2 and suite["metrics"]["workers"] == 2
    print(f"  workers reporting      {len(workers)} (expected 2)   {'OK' if ok else 'WRONG'}")
    ok &= _check("requests", suite["metrics"]["requests"], sum(c["requests"] for c in workers))
    ok &= _check("failures", suite["metrics"]["failures"], sum(c["failures"] for c in workers))
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="locust-aggregation-") as temporary,
        demo_target(Path(temporary) / "target", ()) as url,
    ):
        root = Path(temporary)
        results = [single(root, url, args.seconds), distributed(root, url, args.seconds)]
    print("aggregation:", "all equal" if all(results) else "MISMATCH")
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
