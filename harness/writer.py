"""Writing a run's evidence: run.json redacted after every suite, a final redaction sweep, the exports —
and an honest verdict when the disk refuses.

Every write goes through :class:`EvidenceWriter`, which never raises for a full disk, a read-only file
system or a missing permission: it records the problem (``problems``) and the run goes on to an end the
user can act on. A run whose evidence could not be written completely is never PASS: its verdict becomes
INCOMPLETE with the reason, in run.json (when it can still be written), in the history and on the exit
code; a report.pdf left over from before the problem is removed rather than left claiming PASS.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from harness.redaction import Redactor, redact_data
from harness.reports import write_exports
from harness.results.model import RunResult, SuiteResult, Verdict
from harness.results.rundir import RUN_FILE, RunDirectory, redact_files

REPORT_FILE = "report.pdf"
log = logging.getLogger("harness")


def os_problem(what: str, exc: OSError) -> str:
    """``cannot write run.json: No space left on device`` — the OS's words, without a traceback."""
    return f"cannot write {what}: {exc.strerror or exc}"


M = TypeVar("M", RunResult, SuiteResult)


def redacted_model(model: M, redactor: Redactor) -> M:
    """``model`` with every string (and mapping key) redacted of secrets, in any encoded form.

    Strings are redacted as data, never the JSON text, so a secret that happens to read like JSON
    syntax cannot break the document. A field whose redacted value is no longer valid (a secret equal
    to an enum value such as ``passed``) keeps its value: there it is a word of the model, not a leak.
    """
    if not redactor:
        return model
    original = model.model_dump(mode="json")
    cleaned = redact_data(original, redactor)
    for _ in range(32):  # each round restores the fields that failed; bounded by the model's size
        try:
            return type(model).model_validate(cleaned)
        except ValidationError as exc:
            for error in exc.errors():
                _restore(cleaned, original, tuple(error["loc"]))
    return model.model_validate(original)


def _restore(cleaned: object, original: object, loc: tuple[object, ...]) -> None:
    for key in loc[:-1]:
        try:
            cleaned = cleaned[key]  # type: ignore[index]
            original = original[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return
    try:
        cleaned[loc[-1]] = original[loc[-1]]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return


class EvidenceWriter:
    """Writes one run directory's files; collects what could not be written instead of raising."""

    def __init__(self, rundir: RunDirectory, redactor: Redactor) -> None:
        self.rundir = rundir
        self.redactor = redactor
        self.problems: list[str] = []  # run.json, redaction: the run's record itself
        self.export_problems: list[str] = []  # summary.json, junit.xml, the manifest, report.pdf, ...

    def add_secrets(self, values: list[str]) -> None:
        """Secrets learnt while running (a token the login returned)."""
        if values:
            self.redactor = self.redactor.with_secrets(values)

    def redact(self, run: RunResult) -> RunResult:
        return redacted_model(run, self.redactor)

    def write_run(self, run: RunResult) -> bool:
        """Write run.json (redacted); False, with the problem recorded, when the disk refused."""
        try:
            self.rundir.write_run(self.redact(run))
        except OSError as exc:
            self._problem(os_problem(str(self.rundir.run_file), exc))
            return False
        return True

    def redact_directory(self, directory: Path) -> None:
        """Redact every file below ``directory`` (a suite's raw files, the target's files)."""
        try:
            redact_files((p for p in directory.rglob("*") if p.is_file()), self.redactor)
        except OSError as exc:
            self._problem(f"cannot redact the files in {directory}: {exc.strerror or exc}")

    def finish(self, run: RunResult) -> RunResult:
        """The last write of run.json, a redaction sweep of the whole directory, the exports.

        Returns the run as recorded: INCOMPLETE, with the reason, when any of it failed.
        """
        run = self._honest(self.redact(run))
        self.write_run(run)
        self.redact_directory(self.rundir.path)
        self.export_problems = self._export(run)
        if self.export_problems and run.verdict is not Verdict.INCOMPLETE and not self.problems:
            # The report must not say PASS (or FAIL) for a run whose evidence is missing: write everything
            # again with the verdict it now has; whatever still fails is not left behind saying otherwise.
            run = self._incomplete(run, f"the run's evidence is incomplete: {self.export_problems[0]}")
            self.write_run(run)
            self.export_problems = self._export(run)
        self._remove_stale_report()
        return run

    @property
    def all_problems(self) -> list[str]:
        return [*self.problems, *self.export_problems]

    def _honest(self, run: RunResult) -> RunResult:
        if not self.problems:
            return run
        return self._incomplete(run, f"the run's evidence could not be written: {self.problems[0]}")

    @staticmethod
    def _incomplete(run: RunResult, reason: str) -> RunResult:
        reasons = run.verdict_reasons if reason in run.verdict_reasons else (reason, *run.verdict_reasons)
        return run.model_copy(update={"verdict": Verdict.INCOMPLETE, "verdict_reasons": reasons})

    def _export(self, run: RunResult) -> list[str]:
        try:
            return write_exports(run, self.rundir)
        except OSError as exc:
            return [os_problem("the exports", exc)]

    def _remove_stale_report(self) -> None:
        """When the last attempt at the PDF failed, a report.pdf from an earlier attempt would contradict
        run.json (it may say PASS): it goes."""
        report = self.rundir.path / REPORT_FILE
        if report.is_file() and any(problem.startswith("pdf:") for problem in self.export_problems):
            try:
                report.unlink()
            except OSError as exc:
                self._problem(f"a stale {REPORT_FILE} could not be removed: {exc.strerror or exc}")

    def _problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
            log.error("%s", message)


__all__ = ["RUN_FILE", "EvidenceWriter", "os_problem", "redacted_model"]
