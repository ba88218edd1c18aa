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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    harness = str(Path(sys.executable).with_name("harness"))
    # Under the repository rather than /tmp: on some machines /tmp is much slower to create files in,
    # which would penalise the harness (it writes per-test result files) for the machine's sake.
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent, prefix=".bench-") as directory:
        root = Path(directory)
        profile = generate(root, args.tests)
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
        for _ in range(args.rounds):  # interleaved, so drifting machine load hits all alike
            for name, argv in commands.items():
                times[name].append(timed(argv, root))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["bare pytest"]
    print(f"tests: {args.tests}, rounds: {args.rounds} (median wall time)")
    for name, value in medians.items():
        print(f"{name:28s} {value:6.2f} s   ratio {value / base:.3f}")
    print("goal: harness run / bare pytest <= 1.05")


if __name__ == "__main__":
    main()
