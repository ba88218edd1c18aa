"""Verify a chain of stage reports offline (``harness verify --chain``): only the PDFs and trust anchors.

Each report is checked as a closing report (:func:`check_stage_report`); then, in plan order, each
report's signed link must name the one before it: its stage, run, SHA-256 of the whole signed PDF and the
certificate of every party that signed it. The chain must start at the project's first stage.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import SigningError
from harness.stages.check import StageReportCheck, check_stage_report


@dataclass(frozen=True)
class ChainReport:
    reports: tuple[StageReportCheck, ...]  # in chain order (unreadable statements last)
    problems: tuple[str, ...] = ()  # about the links and the order

    @property
    def ok(self) -> bool:
        return bool(self.reports) and not self.problems and all(r.ok for r in self.reports)


def chain_files(paths: Sequence[Path]) -> list[Path]:
    """The PDFs named: files as given, directories searched for ``*.pdf`` (sorted).

    Raises:
        SigningError: a path does not exist, or nothing was found.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.rglob("*.pdf"))
        elif path.is_file():
            found.append(path)
        else:
            raise SigningError(f"{path} does not exist")
    if not found:
        raise SigningError(f"no PDF found in {', '.join(str(p) for p in paths)}")
    return list(dict.fromkeys(p.resolve() for p in found))


def _link_problems(before: StageReportCheck, after: StageReportCheck) -> list[str]:
    assert before.statement is not None and after.statement is not None
    stage, prior = after.statement.stage, before.statement.stage
    name = f"{stage.id} ({after.path.name})"
    if stage.previous_stage != prior.id:
        return [
            f"{name}: follows {stage.previous_stage or 'no stage'} in the plan, but the chain gives {prior.id} before it"
        ]
    link = stage.previous
    if link is None:
        return [f"{name}: states no link to the {prior.id} report"]
    problems = []
    if link.pdf_sha256 != before.sha256:
        problems.append(
            f"{name}: links {prior.id} report SHA-256 {link.pdf_sha256[:16]}…, but {before.path} is "
            f"{before.sha256[:16]}… (changed, or another report)"
        )
    if link.run_id != before.statement.run_id:
        problems.append(
            f"{name}: links run {link.run_id}, but the {prior.id} report is of run {before.statement.run_id}"
        )
    stated = {s.party: s.certificate_sha256 for s in link.signers}
    actual = {s.party: s.certificate_sha256 for s in before.signers()}
    if stated != actual:
        problems.append(f"{name}: the signers it states for {prior.id} are not those who signed {before.path.name}")
    return problems


def verify_chain(paths: Sequence[Path], trust: Sequence[Path]) -> ChainReport:
    """Raises SigningError when a file or trust anchor cannot be read."""
    checks = [check_stage_report(path, trust) for path in chain_files(paths)]
    stated = [c for c in checks if c.statement is not None]
    unstated = [c for c in checks if c.statement is None]
    stated.sort(key=lambda c: c.statement.stage.position if c.statement else 0)
    problems: list[str] = []
    projects = {c.statement.project for c in stated if c.statement}
    if len(projects) > 1:
        problems.append(f"the reports belong to different projects: {', '.join(sorted(projects))}")
    positions = [c.statement.stage.id for c in stated if c.statement]
    twice = sorted({stage for stage in positions if positions.count(stage) > 1})
    if twice:
        problems.append(f"more than one report for stage {', '.join(twice)}: give the chain of closing reports only")
    if stated and stated[0].statement and stated[0].statement.stage.previous_stage:
        first = stated[0].statement.stage
        problems.append(
            f"the chain starts at {first.id}, but {first.previous_stage} comes before it: its closing report is missing"
        )
    for before, after in itertools.pairwise(stated):
        problems += _link_problems(before, after)
    return ChainReport(reports=tuple(stated + unstated), problems=tuple(problems))
