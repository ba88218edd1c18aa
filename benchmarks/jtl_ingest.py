"""Ingest of a large JMeter CSV JTL: time and peak memory of the ``jtl`` importer.

Generates a 1,000,000-sample CSV JTL (JMeter 5 default columns, 12 labels, 2 % failures, one hour of
samples), then, each in a fresh process so peak RSS is the importer's alone:
- baseline: reading every row with the csv module and doing nothing else;
- the importer: parse, aggregate per label and per interval, build the SuiteResult.

    .venv/bin/python -m benchmarks.jtl_ingest [--samples 1000000]

Alternates the two over several pairs and prints min and median seconds, samples/s, peak RSS (goal <= 200
MB) and the importer/baseline time ratio (goal <= 2).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._figures import alternate, figure, spread
from harness.results.importers.jtl import DEFAULT_COLUMN_SETS

LABELS = [
    f"{method} /api/{name}"
    for method in ("GET", "POST")
    for name in ("items", "orders", "users", "search", "cart", "pay")
]
MEASURE = """
import csv, resource, sys, time
from pathlib import Path
start = time.perf_counter()
if sys.argv[1] == "baseline":
    with open(sys.argv[2], newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
else:
    from harness.results.importers.jtl import JtlImporter
    rows = int(JtlImporter().read([Path(sys.argv[2])], "bench", "performance").metrics["requests"])
elapsed = time.perf_counter() - start
print(rows, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def generate(path: Path, samples: int) -> None:
    rng = random.Random(11)
    start = 1_700_000_000_000
    step = 3_600_000 / samples
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(DEFAULT_COLUMN_SETS[0]) + "\n")
        for index in range(samples):
            ok = rng.random() > 0.02
            elapsed = int(rng.lognormvariate(4.2, 0.7))
            label = LABELS[index % len(LABELS)]
            code, message = ("200", "OK") if ok else ("500", "Internal Server Error")
            handle.write(
                f"{start + int(index * step)},{elapsed},{label},{code},{message},Users 1-{index % 200},text,"
                f"{'true' if ok else 'false'},,{rng.randint(200, 4000)},180,200,200,http://127.0.0.1:8000/x,"
                f"{max(0, elapsed - 3)},0,{rng.randint(0, 3)}\n"
            )


def measure(mode: str, path: Path) -> tuple[int, float, float]:
    done = subprocess.run([sys.executable, "-c", MEASURE, mode, str(path)], capture_output=True, text=True, check=True)
    rows, seconds, rss = done.stdout.split()
    return int(rows), float(seconds), float(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jtl-ingest-") as temporary:
        path = Path(temporary) / "results.jtl"
        began = time.perf_counter()
        generate(path, args.samples)
        size = path.stat().st_size / 1e6
        print(f"generated {args.samples} samples ({size:.0f} MB) in {time.perf_counter() - began:.1f}s; "
              f"{args.pairs} alternating pairs, a fresh process each")  # fmt: skip
        importer, baseline = alternate(args.pairs, lambda: measure("importer", path), lambda: measure("baseline", path))
    assert {r[0] for r in importer} == {r[0] for r in baseline} == {args.samples}
    base_seconds = [r[1] for r in baseline]
    seconds = [r[1] for r in importer]
    rss = max(r[2] for r in importer)
    print(f"  csv tokenizer alone   {spread(base_seconds)}  peak RSS {max(r[2] for r in baseline):6.1f} MB")
    print(f"  jtl importer          {spread(seconds)}  peak RSS {rss:6.1f} MB"
          f"  ({args.samples / statistics.median(seconds):,.0f} samples/s)")  # fmt: skip
    figure("1M-sample JTL import / the CSV tokenizer alone", statistics.median(seconds) / statistics.median(base_seconds),
           "x", "<=", 2.0, f"{statistics.median(seconds):.2f} s vs {statistics.median(base_seconds):.2f} s")  # fmt: skip
    figure("1M-sample JTL import, peak RSS", rss, "MB", "<=", 200.0)


if __name__ == "__main__":
    main()
