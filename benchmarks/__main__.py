"""``make bench``: run every benchmark module of this package, one after another, then print every figure of
issue 19's table with its goal in one table.

Each module prints its own lines (shown as they come) and one ``FIGURE`` line per figure; the goal lines of
``sign_verify`` (which prints its own format) are read from its output.

    .venv/bin/python -m benchmarks [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

from benchmarks._figures import PREFIX

# cheap and quick first; the correctness check of Locust's figures and the history's growth are extra figures
ORDER = ("cli_startup", "pytest_overhead", "sign_verify", "junit_ingest", "jtl_ingest", "report_build",
         "scope_proxy", "locust_overhead", "locust_aggregation", "history")  # fmt: skip
# sign_verify's own goal lines: "  sign / floor   1.234 x  (goal <= 1.2 x: met)"
_SIGN_GOAL = re.compile(r"^\s+(?P<name>.+?)\s+(?P<value>[\d.]+) (?P<unit>\S+)\s+\(goal (?P<op><=|>=) (?P<goal>[\d.]+) \S+: (?P<verdict>\w+)\)")


def _run(name: str, root: Path) -> tuple[int, list[dict[str, object]]]:
    figures: list[dict[str, object]] = []
    with subprocess.Popen(
        [sys.executable, "-m", f"benchmarks.{name}"], cwd=root, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith(PREFIX):
                figures.append(json.loads(line[len(PREFIX) :]))
                continue
            print(line, end="", flush=True)
            match = _SIGN_GOAL.match(line) if name == "sign_verify" else None
            if match:
                figures.append({
                    "name": f"harness {match['name'].strip()}", "value": float(match["value"]), "unit": match["unit"],
                    "op": match["op"], "goal": float(match["goal"]), "met": match["verdict"] == "met", "detail": "",
                })  # fmt: skip
    return child.returncode, figures


def main() -> int:
    here = Path(__file__).parent
    available = {m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(available), help="run only these modules")
    names = parser.parse_args().only or [n for n in ORDER if n in available] + sorted(available - set(ORDER))
    failed: list[str] = []
    table: list[tuple[str, dict[str, object]]] = []
    for name in names:
        print(f"\n=== benchmarks.{name} ===", flush=True)
        code, figures = _run(name, here.parent)
        if code != 0:
            failed.append(name)
        table += [(name, f) for f in figures]
    print("\n=== every figure with its goal ===")
    width = max((len(str(f["name"])) for _, f in table), default=10)
    for name, f in table:
        verdict = "met" if f["met"] else "MISSED"
        print(f"  {f['name']!s:<{width}}  {float(str(f['value'])):9.3f} {f['unit']!s:<3} goal {f['op']} "
              f"{f['goal']:<6} {verdict:<6} [{name}]{'  ' + str(f['detail']) if f['detail'] else ''}")  # fmt: skip
    missed = [f["name"] for _, f in table if not f["met"]]
    print(f"\n{len(table) - len(missed)} of {len(table)} goals met" + (f"; missed: {', '.join(map(str, missed))}" if missed else ""))
    if failed:
        print(f"benchmarks that failed to run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
