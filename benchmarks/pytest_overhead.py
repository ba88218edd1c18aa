"""What does running a pytest suite through the harness cost, compared with running pytest directly?

Generates a 2,000-test suite (40 modules × 50 tests doing small but real work: parsing, validation,
arithmetic — the shape of a unit suite), then times, alternating, in the same run:

- baseline: ``python -m pytest -q SUITE`` (bare pytest)
- harness:  ``harness run PROFILE`` for the same suite (JUnit XML, allure results, run.json, exports, PDF)

and prints median wall times and their ratio (goal <= 1.05). The harness's fixed costs (start-up,
report) do not grow with the suite; the per-test cost is what the ratio shows as suites get longer.

    .venv/bin/python -m benchmarks.pytest_overhead [--tests 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

MODULE = """
import json
import re
from decimal import Decimal

import pytest

PHONE = re.compile(r"^1[3-9]\\d{{9}}$")


def fee(area: Decimal) -> Decimal:
    return Decimal(500) + min(area, Decimal(1000)) * 2 + max(area - 1000, Decimal(0)) * Decimal("1.5")


@pytest.mark.parametrize("n", range({count}))
def test_case(n: int) -> None:
    record = {{"id": n, "phone": f"138{{n:08d}}", "area": str(100 + n)}}
    decoded = json.loads(json.dumps(record))
    assert PHONE.match(decoded["phone"])
    assert fee(Decimal(decoded["area"])) >= 500
    assert sum(i * i for i in range(2_000)) > 0
"""


def generate(root: Path, tests: int, per_module: int = 50, allure: bool = True) -> Path:
    suite = root / "suite"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n")
    for index in range(tests // per_module):
        (suite / f"test_generated_{index:03d}.py").write_text(MODULE.format(count=per_module))
    profile = root / "bench.yaml"
    profile.write_text(
        textwrap.dedent(
            f"""\
            project: {{name: Benchmark}}
            target: {{base_url: "http://127.0.0.1:9"}}
            suites:
              - name: generated
                kind: unit
                options: {{paths: ["{suite}"], allure: {str(allure).lower()}}}
                criteria: ["tests == {tests}"]
            output: {{dir: "{root / "reports"}"}}
            """
        )
    )
    return profile


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    return elapsed


def measure(root: Path, tests: int, rounds: int) -> dict[str, float]:
    """Median wall time of each way of running the same generated suite, interleaved round by round."""
    harness = str(Path(sys.executable).with_name("harness"))
    profile = generate(root, tests)
    lean = root / "lean.yaml"
    lean.write_text(profile.read_text().replace("allure: true", "allure: false"))
    commands = {
        "bare pytest": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "suite")],
        "harness run": [harness, "run", str(profile), "--quiet"],
        "harness run, allure: false": [harness, "run", str(lean), "--quiet"],
    }
    for argv in commands.values():
        timed(argv, root)  # warm the file system and byte-code caches for all
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):  # interleaved, so drifting machine load hits all alike
        for name, argv in commands.items():
            times[name].append(timed(argv, root))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    # The project's disk (where reports/ lives) and, when there is one, a RAM disk: allure-pytest creates two
    # files per test and the harness writes per-test Allure results, so a file system that is slow to create
    # files (some virtual machines: ~0.4 ms per file) shows up in the ratio; tmpfs shows the harness's own cost.
    places = {"project disk": Path(__file__).parent}
    if Path("/dev/shm").is_dir():
        places["tmpfs (/dev/shm)"] = Path("/dev/shm")
    sizes = (args.tests, 4 * args.tests)
    print(f"rounds: {args.rounds} (median wall time); suites of {sizes[0]} and {sizes[1]} tests")
    for label, parent in places.items():
        medians = {}
        for size in sizes:
            with tempfile.TemporaryDirectory(dir=parent, prefix=".bench-") as directory:
                medians[size] = measure(Path(directory), size, args.rounds)
        small, large = medians[sizes[0]], medians[sizes[1]]
        print(f"\n{label}:")
        print(f"  {'':27s}{sizes[0]:>6} tests ratio {sizes[1]:>6} tests ratio  per test ratio  fixed")
        n1, n2 = sizes
        base_slope = (large["bare pytest"] - small["bare pytest"]) / (n2 - n1)
        base_fixed = small["bare pytest"] - base_slope * n1
        for name in small:
            slope = (large[name] - small[name]) / (n2 - n1)
            fixed = small[name] - slope * n1 - base_fixed  # what the harness adds whatever the suite's size
            print(
                f"  {name:27s}{small[name]:8.2f} s {small[name] / small['bare pytest']:5.2f}"
                f" {large[name]:8.2f} s {large[name] / large['bare pytest']:5.2f}"
                f" {slope * 1000:6.2f} ms {slope / base_slope:5.2f} {fixed:5.2f} s"
            )
    print(
        "\ngoal: harness run / bare pytest <= 1.05. The fixed part (start-up, gate, report.pdf with embedded"
        "\nfonts, exports) does not grow with the suite; the per-test columns show what does."
    )


if __name__ == "__main__":
    main()
