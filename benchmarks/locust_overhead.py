"""Overhead of running Locust through the harness: the same locustfile, users and duration against the
same local demo target, bare ``locust --headless`` versus ``harness run``, alternating to share any drift.

    .venv/bin/python -m benchmarks.locust_overhead [--users 50] [--seconds 20] [--rounds 2]

Prints requests/s and request counts of each run and the harness/bare ratios (goal: RPS ratio >= 0.97).
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
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="locust-overhead-") as temporary:
        root = Path(temporary)
        bare: list[tuple[float, int]] = []
        harnessed: list[tuple[float, int]] = []
        with demo_target(root / "target", ()) as url:
            for round_ in range(1, args.rounds + 1):
                bare.append(bare_run(root / f"bare-{round_}", url, args.users, args.seconds))
                options = {"locustfile": str(LOCUSTFILE), "users": args.users, "spawn_rate": args.users,
                           "run_time": f"{args.seconds}s", "html": False}  # fmt: skip
                suite, raw = harness_run(root / f"harness-{round_}", url, options)
                harnessed.append(final_figures(raw / "locust.json"))
                assert harnessed[-1][1] == suite["metrics"]["requests"], "the harness lost requests"
                print(f"round {round_}: bare {bare[-1][0]:.2f} req/s ({bare[-1][1]} requests), "
                      f"harness {harnessed[-1][0]:.2f} req/s ({harnessed[-1][1]} requests)")  # fmt: skip
    rps_ratio = statistics.mean(h[0] for h in harnessed) / statistics.mean(b[0] for b in bare)
    count_ratio = statistics.mean(h[1] for h in harnessed) / statistics.mean(b[1] for b in bare)
    print(f"RPS ratio harness/bare:      {rps_ratio:.3f}  (goal >= 0.97) {'OK' if rps_ratio >= 0.97 else 'BELOW GOAL'}")
    print(f"request-count ratio:         {count_ratio:.3f}")


if __name__ == "__main__":
    main()
