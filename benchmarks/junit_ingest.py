"""JUnit ingest: the harness's streaming importer vs junitparser on the same generated file, same run.

    .venv/bin/python -m benchmarks.junit_ingest [--cases 100000] [--repeat 3]

Each measurement runs in a fresh Python process, so peak RSS (``ru_maxrss``) belongs to that ingest
alone. Both sides produce the same thing — the harness's ``TestCase`` for every ``<testcase>`` (status,
message, details, output) — because that is what ingest means here; junitparser's bare parse-and-walk
(no harness model) is printed as well, for an honest picture. Goals (issue 7): ≥ 3× faster than
junitparser, ≤ 200 MB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._figures import figure, rounds, spread

GOAL_RATIO = 3.0
GOAL_RSS_MB = 200.0


def generate(path: Path, cases: int) -> None:
    """A Surefire-like report: 100 cases per suite, 2 % failures with traces and output, 1 % skipped."""
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="generated">\n')
        for suite in range(cases // 100):
            out.write(f'<testsuite name="gov.permits.Suite{suite}" tests="100" failures="2" errors="0" skipped="1">\n')
            for case in range(100):
                head = f'<testcase classname="gov.permits.Suite{suite}" name="test_{case}" time="0.00{case % 10}"'
                if case in (17, 63):
                    out.write(
                        f'{head}><failure message="expected: &lt;{case}&gt; but was: &lt;0&gt;" '
                        'type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError\n'
                        f"\tat gov.permits.Suite{suite}.test_{case}(Suite{suite}.java:{case})\n</failure>"
                        f"<system-out>request id {suite}-{case}</system-out></testcase>\n"
                    )
                elif case == 99:
                    out.write(f'{head}><skipped message="not on this platform"/></testcase>\n')
                else:
                    out.write(f"{head}/>\n")
            out.write("</testsuite>\n")
        out.write("</testsuites>\n")


def _ours(path: Path) -> int:
    from harness.results.importers.junit import JUnitImporter

    return len(JUnitImporter().read([path], "bench", "unit").cases)


def _junitparser_model(path: Path) -> int:
    """junitparser's DOM, converted to the same harness TestCases."""
    from junitparser import Error, Failure, JUnitXml, Skipped

    from harness.results.model import CaseStatus, TestCase

    statuses = {Failure: CaseStatus.FAILED, Error: CaseStatus.ERROR, Skipped: CaseStatus.SKIPPED}
    cases = []
    xml = JUnitXml.fromfile(str(path))
    for suite in xml:
        for case in suite:
            status, message, details = CaseStatus.PASSED, "", ""
            for result in case.result:
                status, message, details = (
                    statuses.get(type(result), CaseStatus.ERROR),
                    result.message or "",
                    result.text or "",
                )
            cases.append(
                TestCase(
                    id=f"{case.classname}::{case.name}",
                    name=case.name,
                    classname=case.classname or "",
                    status=status,
                    duration=case.time or 0.0,
                    message=message,
                    details=details,
                    stdout=case.system_out or "",
                    stderr=case.system_err or "",
                )
            )
    return len(cases)


def _junitparser_walk(path: Path) -> int:
    """junitparser alone: parse and read every case's fields, no harness model."""
    from junitparser import JUnitXml

    count = 0
    for suite in JUnitXml.fromfile(str(path)):
        for case in suite:
            _ = (case.name, case.classname, case.time, [(r.message, r.text) for r in case.result], case.system_out)
            count += 1
    return count


SIDES = {"harness": _ours, "junitparser": _junitparser_model, "junitparser-walk-only": _junitparser_walk}


def _child(side: str, path: Path) -> None:
    import junitparser  # noqa: F401  (imports are not part of the measurement)

    import harness.results.importers.junit  # noqa: F401

    started = time.perf_counter()
    count = SIDES[side](path)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"cases": count, "seconds": elapsed, "peak_rss_mb": peak}))


def _measure(side: str, path: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.junit_ingest", "--child", side, str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="junit-ingest-") as directory:
        path = Path(directory) / "generated.xml"
        generate(path, args.cases)
        size = path.stat().st_size / 1e6
        print(f"JUnit ingest of {args.cases:,} test cases ({size:.1f} MB), {args.repeat} rounds in rotating order, "
              "a fresh process each")  # fmt: skip
        samples = rounds(args.repeat, {side: lambda side=side: _measure(side, path) for side in SIDES})
    best: dict[str, dict[str, float]] = {}
    for side, runs in samples.items():
        counts = {int(r["cases"]) for r in runs}
        assert counts == {args.cases}, f"{side} read {counts} cases"
        best[side] = {
            "seconds": min(r["seconds"] for r in runs),
            "median": statistics.median(r["seconds"] for r in runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        }
        print(f"  {side:24s} {spread([r['seconds'] for r in runs])}   peak RSS {best[side]['peak_rss_mb']:6.1f} MB")
    ours, theirs, walk = best["harness"], best["junitparser"], best["junitparser-walk-only"]
    print(f"  vs junitparser's bare parse-and-walk (no model): {walk['median'] / ours['median']:.2f}x")
    figure("JUnit ingest of 100k cases, junitparser / harness time", theirs["median"] / ours["median"], "x", ">=",
           GOAL_RATIO, f"{ours['median']:.2f} s vs {theirs['median']:.2f} s")  # fmt: skip
    figure("JUnit ingest of 100k cases, peak RSS", ours["peak_rss_mb"], "MB", "<=", GOAL_RSS_MB)


if __name__ == "__main__":
    main()
