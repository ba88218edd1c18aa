"""What does running a pytest suite through the harness cost, compared with running pytest directly?

Generated suites (modules of 50 tests), each run bare (``python -m pytest -q SUITE``) and through
``harness run`` (JUnit XML, run.json, every export, the PDF, the manifest), in rounds whose order rotates,
so drifting machine load hits every command alike; medians and minimums are printed:

- fixed cost: a 1-test suite, harness minus bare (goal <= 1.0 s);
- extra per test, trivial tests: the slope between a small and a large suite, harness minus bare,
  against bare's own slope (goal <= 0.05 x bare per test);
- extra per test, realistic 2 ms tests (parse, validate, wait 2 ms), the same way (goal <= 0.05 x bare);
- 2,000 x 2 ms tests: harness / bare wall time (goal <= 1.05).

Both sides run the same pytest with the same plug-ins; Hypothesis's plug-in is switched off on both (it
imports Hypothesis at the end of every run where it is installed, a cost that is pytest's, not the
harness's). The harness runs with its defaults; the ``allure: true`` lines (allure-pytest per test) are
shown for information.

    .venv/bin/python -m benchmarks.pytest_overhead [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

from benchmarks._figures import figure, rounds, spread, timed

HARNESS = str(Path(sys.executable).with_name("harness"))
PER_MODULE = 50
NO_HYPOTHESIS = ["-p", "no:hypothesispytest"]

TRIVIAL = """
import pytest


@pytest.mark.parametrize("n", range({count}))
def test_case(n: int) -> None:
    assert n >= 0
"""
REALISTIC = """
import json
import re
import time
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
    time.sleep(0.002)  # a query, a file, a call: most unit tests wait for something
"""


def generate(root: Path, name: str, body: str, tests: int, allure: bool = False) -> tuple[Path, Path]:
    """(suite directory, profile running it) under ``root``."""
    suite = root / name
    suite.mkdir(parents=True)
    (suite / "pytest.ini").write_text("[pytest]\n")
    for index in range(max(1, tests // PER_MODULE)):
        (suite / f"test_generated_{index:03d}.py").write_text(body.format(count=min(tests, PER_MODULE)))
    profile = root / f"{name}{'-allure' if allure else ''}.yaml"
    profile.write_text(
        textwrap.dedent(
            f"""\
            project: {{name: Benchmark}}
            target: {{base_url: "http://127.0.0.1:9"}}
            suites:
              - name: generated
                kind: unit
                options: {{paths: ["{suite}"], allure: {str(allure).lower()}, args: {NO_HYPOTHESIS}}}
                criteria: ["tests == {tests}"]
            output: {{dir: "{root / "reports"}"}}
            """
        )
    )
    return suite, profile


def commands(root: Path, sizes: dict[str, tuple[str, int]], allure_for: set[str]) -> dict[str, Callable[[], float]]:
    found: dict[str, Callable[[], float]] = {}
    for name, (body, tests) in sizes.items():
        suite, profile = generate(root, name, body, tests)
        bare = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NO_HYPOTHESIS, str(suite)]
        found[f"bare {name}"] = lambda argv=bare: timed(argv, root)
        found[f"harness {name}"] = lambda p=profile: timed([HARNESS, "run", str(p), "--quiet"], root)
        if name in allure_for:
            _, with_allure = generate(root / "allure", name, body, tests, allure=True)
            found[f"harness {name} allure"] = lambda p=with_allure: timed([HARNESS, "run", str(p), "--quiet"], root)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to generate the suites (default: a temp dir)")
    args = parser.parse_args()
    sizes = {
        "one": (TRIVIAL, 1),
        "trivial-250": (TRIVIAL, 250),
        "trivial-4000": (TRIVIAL, 4000),
        "2ms-200": (REALISTIC, 200),
        "2ms-2000": (REALISTIC, 2000),
    }
    with tempfile.TemporaryDirectory(prefix=".bench-pytest-", dir=args.dir) as directory:
        root = Path(directory)
        runs = commands(root, sizes, allure_for={"trivial-4000", "2ms-2000"})
        for run in runs.values():
            run()  # warm the page cache, the byte code and the font cache for all
        samples = rounds(args.rounds, runs)
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"pytest suites bare and through `harness run`, {args.rounds} rounds in rotating order")
    for name, values in samples.items():
        print(f"  {name:28s} {spread(values)}")

    def slope(side: str, small: str, large: str) -> float:
        n1, n2 = sizes[small][1], sizes[large][1]
        return (median[f"{side} {large}"] - median[f"{side} {small}"]) / (n2 - n1)

    fixed = [h - b for h, b in zip(samples["harness one"], samples["bare one"], strict=True)]
    figure("fixed cost: harness run of a 1-test suite - bare pytest", statistics.median(fixed), "s", "<=", 1.0,
           f"min {min(fixed):.3f} s; bare {median['bare one']:.3f} s")  # fmt: skip
    for label, small, large in (("trivial", "trivial-250", "trivial-4000"), ("2 ms", "2ms-200", "2ms-2000")):
        bare = slope("bare", small, large)
        extra = slope("harness", small, large) - bare
        figure(f"extra per test vs bare, {label} tests", extra * 1000, "ms", "<=", 0.05 * bare * 1000,
               f"bare {bare * 1000:.3f} ms/test = {extra / bare:.3f} x bare")  # fmt: skip
        with_allure = (median[f"harness {large} allure"] - median[f"harness {large}"]) / sizes[large][1]
        print(f"    with allure: true (allure-pytest writing per test): +{with_allure * 1000:.3f} ms/test more")
    ratio = median["harness 2ms-2000"] / median["bare 2ms-2000"]
    figure("2,000 x 2 ms tests, harness / bare, wall", ratio, "x", "<=", 1.05,
           f"{median['harness 2ms-2000']:.2f} s vs {median['bare 2ms-2000']:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
