"""What every report section reads: the run, the translator, the styles, and where signature boxes land."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reportlab.platypus import Flowable

from harness.reports.pdf.evidence import NO_EVIDENCE, Evidence
from harness.reports.pdf.i18n import Translator
from harness.reports.pdf.styles import Styles
from harness.results.model import RunResult, SuiteResult, SuiteStatus


@dataclass(frozen=True)
class BoxPosition:
    """A rectangle on a page in PDF user space (points, origin bottom-left); ``page`` is 0-based."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class ReportContext:
    run: RunResult
    t: Translator
    styles: Styles
    signature_boxes: dict[str, BoxPosition] = field(default_factory=dict)
    evidence: Evidence = NO_EVIDENCE
    sections: Mapping[str, SuiteSection] = field(default_factory=dict)  # by the kind of a suite's results

    def suite_section(self, suite: SuiteResult) -> SuiteSection | None:
        """The section registered for the kind of ``suite``'s results, if any."""
        return self.sections.get(suite.kind)

    def stage(self) -> str:
        return self.stage_name(self.run.project.stage)

    def stage_name(self, stage: str) -> str:
        """A stage's name in the report's language: as the project's plan names it, else the default's."""
        record = self.run.stage
        if record is not None and record.id == stage and record.names.get(self.t.language):
            return record.names[self.t.language]
        return self.t.optional(f"stage_{stage}", stage)

    def kind(self, kind: str) -> str:
        return self.t.optional(f"kind_{kind}", kind)

    def status(self, status: str) -> str:
        return self.t.optional(f"status_{status}", status)

    def suite_status(self, suite: SuiteResult) -> str:
        """The suite's status as the report words it; a failed suite that was also cut short says both."""
        if suite.status is SuiteStatus.FAILED and suite.stopped is not None:
            return self.t("status_failed_cut_short")
        return self.status(suite.status.value)


SuiteSection = Callable[[SuiteResult, ReportContext], list[Flowable]]
"""A suite's part of the report: ``(suite, ctx) -> flowables``, registered under the entry-point group
``harness.report_sections`` with the kind of the results it draws (docs/plugins.md). Pure layout: it
reads only the suite and ``ctx`` (the run, the translator ``ctx.t``, the styles ``ctx.styles``)."""
