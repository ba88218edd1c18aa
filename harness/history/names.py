"""Names the history adds to the criteria language, checked by ``harness validate``.

- ``baseline.<metric>`` and ``baseline.endpoint("GET /x").<metric>``: the value in the baseline run's
  same-named suite, e.g. ``p95 <= baseline.p95 * 1.10``.
- ``findings.<set>[.<risk>]`` with set ``new | fixed | unchanged`` and risk ``critical | high | medium |
  low | info``: counts of findings compared with the baseline by fingerprint, e.g. ``findings.new.high == 0``.
"""

from __future__ import annotations

import difflib

from harness.gates import Reference
from harness.results.model import Risk

BASELINE = "baseline"
FINDINGS = "findings"
FINDING_SETS = ("new", "fixed", "unchanged")
RISKS = tuple(r.value for r in Risk)


def uses_history(reference: Reference) -> bool:
    first = reference.segments[0]
    return first.args is None and first.name in (BASELINE, FINDINGS) and len(reference.segments) > 1


def finding_selector(reference: Reference) -> tuple[str, Risk | None] | None:
    """``findings.new.high`` -> ("new", Risk.HIGH); None when the name is not a valid findings count."""
    rest = reference.segments[1:]
    if any(s.args is not None for s in rest) or not 1 <= len(rest) <= 2 or rest[0].name not in FINDING_SETS:
        return None
    if len(rest) == 2 and rest[1].name not in RISKS:
        return None
    return rest[0].name, Risk(rest[1].name) if len(rest) == 2 else None


def history_name_problem(reference: Reference, known: frozenset[str], has_baseline: bool) -> str | None:
    """None when ``reference`` is not a history name; "" when it is a valid one; else what is wrong."""
    if not uses_history(reference):
        return None
    if not has_baseline:
        return (
            f"{reference.dotted!r} compares with a baseline, but the profile names none: "
            "add `baseline: last-pass` (or previous, a run id, or a tag)"
        )
    rest = reference.segments[1:]
    if reference.segments[0].name == FINDINGS:
        if finding_selector(reference) is None:
            return (
                f"unknown findings count {reference.dotted!r}: write findings.<set> or findings.<set>.<risk> "
                f"with set {' | '.join(FINDING_SETS)} and risk {' | '.join(RISKS)}, e.g. findings.new.high"
            )
        return ""
    if rest[0].args is not None:
        return ""  # baseline.endpoint("...").p95 is resolved against results, like endpoint(...)
    if any(s.args is not None for s in rest):
        return f'{reference.dotted!r}: only endpoint("NAME") may be called after baseline.'
    name = ".".join(s.name for s in rest)
    if name in known:
        return ""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f" (did you mean 'baseline.{close[0]}'?)" if close else f"; it produces: {', '.join(sorted(known))}"
    return f"baseline.{name}: metric {name!r} is not produced by this suite{hint}"
