"""Does the run history stay fast as it grows?

Records runs (a performance suite with 20 endpoints and a security suite with 30 findings each) into a
fresh database and measures, at a small and at a ten times larger history: recording one run, finding a
``last-pass`` baseline, loading a run, and listing the newest 20. Prints each time and the ratio large/small
(about 1.0 means the cost does not grow with the history; the indexes keep lookups flat).

    .venv/bin/python -m benchmarks.history [--small 200] [--factor 10]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.history import RunStore
from harness.results.model import (
    Endpoint,
    Finding,
    ProfileInfo,
    ProjectInfo,
    Risk,
    RunResult,
    SuiteResult,
    SuiteStatus,
    Verdict,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _run(index: int) -> RunResult:
    endpoints = tuple(
        Endpoint(name=f"GET /api/e{e}", metrics={"p50": 0.05, "p95": 0.1 + index / 1e5, "rps": 20.0}) for e in range(20)
    )
    findings = tuple(
        Finding(rule_id=str(10000 + f), name=f"finding {f}", risk=list(Risk)[f % 5], fingerprint=f"fp-{f}-{index % 3}")
        for f in range(30)
    )
    suites = (
        SuiteResult(name="load", kind="performance", status=SuiteStatus.PASSED,
                    metrics={"p95": 0.2, "rps": 400.0, "error_rate": 0.001}, endpoints=endpoints),
        SuiteResult(name="scan", kind="security", status=SuiteStatus.PASSED, findings=findings),
    )  # fmt: skip
    started = T0 + timedelta(minutes=index)
    return RunResult(
        run_id=f"bench-{index:07d}", profile=ProfileInfo(name=f"bench{index % 4}", path="p.yaml", sha256=""),
        project=ProjectInfo(name="bench"), started=started, finished=started + timedelta(seconds=30),
        suites=suites, verdict=Verdict.PASS if index % 2 else Verdict.FAIL,
    )  # fmt: skip


def _median(action: Callable[[], object], repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _measure(store: RunStore, size: int) -> dict[str, float]:
    later = T0 + timedelta(minutes=size + 10)
    counter = iter(range(10**6, 10**7))
    return {
        "record one run": _median(lambda: store.record(_run(next(counter)), "/runs/x")),
        "last-pass baseline": _median(lambda: store.latest_with_suite("bench1", "load", later, verdict=Verdict.PASS)),
        "load one run": _median(lambda: store.get(f"bench-{size // 2:07d}")),
        "list newest 20": _median(lambda: store.list(limit=20)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--factor", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = RunStore.open(Path(scratch) / "history.sqlite")
        for index in range(args.small):
            store.record(_run(index), "/runs/x")
        small = _measure(store, args.small)
        for index in range(args.small, args.small * args.factor):
            store.record(_run(index), "/runs/x")
        large = _measure(store, args.small * args.factor)
    print(f"history of {args.small} runs vs {args.small * args.factor} runs (median of 15)")
    for name in small:
        print(
            f"  {name:20} {small[name] * 1000:8.2f} ms  {large[name] * 1000:8.2f} ms  ratio {large[name] / small[name]:.2f}"
        )


if __name__ == "__main__":
    main()
