"""Overhead of running Locust through the harness: the same locustfile, users and duration against the
same local demo target, bare ``locust --headless`` versus ``harness run``, alternating to share any drift.

    .venv/bin/python -m benchmarks.locust_overhead [--users 50] [--seconds 20] [--rounds 3]

Prints requests/s and request counts of each pair (A and B swap order every pair) and the harness/bare
ratios of the medians (goal: RPS ratio >= 0.97).
Both sides are measured from Locust's final JSON output the same way; the harness's own totals are
checked to equal it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._figures import alternate, figure
from benchmarks._locust_bench import LOCUSTFILE, final_figures, harness_run
from harness.target.managed import demo_target


def bare_run(workdir: Path, url: str, users: int, seconds: int) -> tuple[float, int]:
    workdir.mkdir(parents=True, exist_ok=True)
    prefix = workdir / "bare"
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", url, "-u", str(users),
         "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix), "--json-file", str(prefix), "--only-summary",
         "--logfile", str(workdir / "bare.log")],
        cwd=workdir, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return final_figures(Path(f"{prefix}.json"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="locust-overhead-") as temporary:
        root = Path(temporary)
        options = {"locustfile": str(LOCUSTFILE), "users": args.users, "spawn_rate": args.users,
                   "run_time": f"{args.seconds}s", "html": False}  # fmt: skip
        runs = iter(range(1, 2 * args.rounds + 1))

        def harnessed() -> tuple[float, int]:
            suite, raw = harness_run(root / f"harness-{next(runs)}", url, options)
            figures = final_figures(raw / "locust.json")
            assert figures[1] == suite["metrics"]["requests"], "the harness lost requests"
            return figures

        with demo_target(root / "target", ()) as url:
            harness, bare = alternate(
                args.rounds, harnessed, lambda: bare_run(root / f"bare-{next(runs)}", url, args.users, args.seconds)
            )
    for index, (h, b) in enumerate(zip(harness, bare, strict=True), 1):
        print(f"  pair {index}: bare {b[0]:.2f} req/s ({b[1]} requests), harness {h[0]:.2f} req/s ({h[1]} requests)")
    rps_ratio = statistics.median(h[0] for h in harness) / statistics.median(b[0] for b in bare)
    count_ratio = statistics.median(h[1] for h in harness) / statistics.median(b[1] for b in bare)
    print(f"  request-count ratio harness/bare: {count_ratio:.3f}")
    figure("Locust RPS under the harness / bare", rps_ratio, "x", ">=", 0.97,
           f"min bare {min(b[0] for b in bare):.1f}, min harness {min(h[0] for h in harness):.1f} req/s")  # fmt: skip


if __name__ == "__main__":
    main()
