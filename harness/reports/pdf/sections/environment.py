"""Where and with what the tests ran: host, tool versions, the profile and its fingerprint."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from reportlab.platypus import Flowable, Paragraph

from harness.reports.pdf.context import ReportContext
from harness.reports.pdf.styles import data_table, text


def build(ctx: ReportContext) -> list[Flowable]:
    run, t, s = ctx.run, ctx.t, ctx.styles
    rows: list[list[object]] = [[text(t("host")), text(", ".join(f"{k}: {v}" for k, v in run.host.items() if v))]]
    tools = dict(run.tools)
    for suite in run.suites:
        if suite.tool:
            tools.setdefault(suite.tool.name, suite.tool.version)
    rows += [[text(f"{t('tool')}: {name}"), text(version or "—")] for name, version in sorted(tools.items())]
    rows.append([text(t("profile_file")), text(run.profile.path)])
    rows.append([text(t("profile_sha256")), text(run.profile.sha256)])
    components = ", ".join(f"{name} {_version(name)}" for name in ("reportlab", "pyHanko"))
    rows.append([text(t("report_generator")), text(components)])
    header = [t("item"), t("value")]
    return [Paragraph(text(t("environment_section")), s.h1), data_table(header, rows, [3, 7], s)]


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"
