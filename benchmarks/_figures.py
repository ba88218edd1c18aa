"""What every benchmark shares: alternating A/B pairs, min and median, and one line per figure with its goal.

A figure line is printed twice: for people (``name  value  (goal ...: met)``) and, prefixed with ``FIGURE``,
as JSON for ``python -m benchmarks`` (``make bench``), which gathers every figure into one table at the end.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")
PREFIX = "FIGURE "


def alternate(pairs: int, a: Callable[[], T], b: Callable[[], U]) -> tuple[list[T], list[U]]:
    """``pairs`` samples of each, A first in even pairs and B first in odd ones: drifting load hits both alike."""
    first: list[T] = []
    second: list[U] = []
    for index in range(pairs):
        if index % 2 == 0:
            first.append(a())
            second.append(b())
        else:
            second.append(b())
            first.append(a())
    return first, second


def rounds(count: int, commands: Mapping[str, Callable[[], T]]) -> dict[str, list[T]]:
    """``count`` rounds of every command; each round runs them in a rotated order."""
    names = list(commands)
    samples: dict[str, list[T]] = {name: [] for name in names}
    for index in range(count):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(commands[name]())
    return samples


def timed(argv: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> float:
    """Wall time of one process; fails loudly if it fails (a benchmark of a broken command measures nothing)."""
    started = time.perf_counter()
    completed = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    return elapsed


def spread(samples: Sequence[float], unit: str = "s", scale: float = 1.0) -> str:
    """``min 0.123 s  median 0.130 s  (n=7)``."""
    return (
        f"min {min(samples) * scale:8.3f} {unit}  median {statistics.median(samples) * scale:8.3f} {unit}"
        f"  (n={len(samples)})"
    )


def figure(name: str, value: float, unit: str, op: str, goal: float, detail: str = "") -> bool:
    """Print one figure of the issue's table with its goal (``op`` is ``<=`` or ``>=``); returns whether it is met."""
    met = value <= goal if op == "<=" else value >= goal
    verdict = "met" if met else "MISSED"
    print(f"  {name}: {value:.3f} {unit}  (goal {op} {goal:g} {unit}: {verdict}){f'  {detail}' if detail else ''}")
    record = {"name": name, "value": value, "unit": unit, "op": op, "goal": goal, "met": met, "detail": detail}
    print(PREFIX + json.dumps(record, ensure_ascii=False), flush=True)
    return met
