"""The runner: checks every file a ``sha256sum`` manifest lists against its digest."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from harness.errors import RunnerSetupError
from harness.results.model import CaseStatus, SuiteResult, SuiteStatus, TestCase, ToolInfo
from harness.runners.base import OptionIssue, PreflightContext, PreparedSuite, RunContext, RunnerBase


class ChecksumOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    manifest: str = Field(description="a sha256sum file ('<hex>  <path>' per line), relative to the profile")


class ChecksumRunner(RunnerBase):
    options_model: ClassVar[type[BaseModel]] = ChecksumOptions
    default_criteria: ClassVar[tuple[str, ...]] = ("files >= 1", "mismatched == 0", "missing == 0")

    def needs_target(self, options: BaseModel) -> bool:
        return False  # it reads files only: it runs even when the target is down

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        return frozenset({"files", "mismatched", "missing"})

    def preflight(self, options: BaseModel, context: PreflightContext) -> Sequence[OptionIssue]:
        """``harness validate`` says so before the run when the manifest is not there."""
        assert isinstance(options, ChecksumOptions)
        path = context.base_dir / options.manifest
        return [] if path.is_file() else [(("manifest",), f"{path} does not exist: give a sha256sum file")]

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(ChecksumOptions)
        manifest = ctx.base_dir / options.manifest
        try:
            lines = manifest.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:  # the suite cannot run at all: error, the run goes on
            raise RunnerSetupError(f"cannot read the manifest {manifest}: {exc}") from None
        shutil.copyfile(manifest, ctx.raw_dir / manifest.name)  # the evidence goes with the run
        cases: list[TestCase] = []
        for number, line in enumerate(line for line in lines if line.strip()):
            if ctx.cancel.cancelled:  # Ctrl-C: stop, keep what was checked
                break
            expected, _, name = line.partition("  ")
            cases.append(_check(number, manifest.parent / name.strip(), name.strip(), expected.strip().lower()))
            ctx.progress.update(completed=len(cases), total=len(lines))
        missing = sum(c.status is CaseStatus.ERROR for c in cases)
        mismatched = sum(c.status is CaseStatus.FAILED for c in cases)
        if ctx.cancel.cancelled:
            status = SuiteStatus.INCOMPLETE
        else:
            status = SuiteStatus.FAILED if missing or mismatched else SuiteStatus.PASSED
        return SuiteResult(
            name=suite.name,
            kind=self.kind,
            status=status,
            tool=ToolInfo(name="sha256"),
            cases=tuple(cases),
            metrics={"files": float(len(cases)), "mismatched": float(mismatched), "missing": float(missing)},
        )


def _check(number: int, path: Path, name: str, expected: str) -> TestCase:
    """One file: passed when its digest is the expected one, failed when not, error when it is missing."""
    if not path.is_file():
        return TestCase(id=str(number), name=name, status=CaseStatus.ERROR, message="missing")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        return TestCase(
            id=str(number), name=name, status=CaseStatus.FAILED, message=f"sha256 {digest}, expected {expected}"
        )
    return TestCase(id=str(number), name=name, status=CaseStatus.PASSED, properties={"sha256": digest})
