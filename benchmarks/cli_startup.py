"""Start-up of the ``harness`` command: ``harness --version`` and ``harness validate profiles/demo.yaml``.

Each is a fresh process, alternated over several pairs with ``python -c pass`` (the interpreter's own start,
measured in the same run). Goals (issue 19): ``--version`` <= 0.15 s, ``validate`` of the demo profile
<= 0.3 s. A second line shows the floor of each: a process that imports only what the command cannot do
without (typer, rich, pydantic and PyYAML).

    .venv/bin/python -m benchmarks.cli_startup [--pairs 9]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from benchmarks._figures import alternate, figure, spread, timed

REPO = Path(__file__).resolve().parent.parent
HARNESS = str(Path(sys.executable).with_name("harness"))
DEMO = str(REPO / "profiles" / "demo.yaml")
VERSION_GOAL = 0.15
VALIDATE_GOAL = 0.30
# the libraries `harness validate` cannot do without: the command line, the console, the models, YAML
FLOOR = "import typer, rich.console, pydantic, yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=9)
    pairs = parser.parse_args().pairs
    python = [sys.executable, "-c", "pass"]
    for argv in ([HARNESS, "--version"], [HARNESS, "validate", DEMO], python):
        timed(argv)  # warm the page cache for all
    version, start = alternate(pairs, lambda: timed([HARNESS, "--version"]), lambda: timed(python))
    validate, start2 = alternate(pairs, lambda: timed([HARNESS, "validate", DEMO]), lambda: timed(python))
    floor_validate = [timed([sys.executable, "-c", FLOOR]) for _ in range(pairs)]
    print(f"harness start-up, {pairs} alternating pairs with `python -c pass`")
    print(f"  python -c pass            {spread(start + start2)}")
    print(f"  harness --version         {spread(version)}")
    print(f"  harness validate demo     {spread(validate)}")
    print(f"  import {FLOOR[7:]:<19} {spread(floor_validate)}")
    figure("harness --version", statistics.median(version), "s", "<=", VERSION_GOAL,
           f"python -c pass {statistics.median(start):.3f} s")  # fmt: skip
    figure("harness validate demo.yaml", statistics.median(validate), "s", "<=", VALIDATE_GOAL,
           f"importing typer+rich+pydantic+yaml alone: {statistics.median(floor_validate):.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
