"""What a ZAP scan leaves behind: ZAP's own report, and the coverage read back from its API.

The report comes from ``reports/action/generate`` when the reports add-on (ZAP 2.11+) is installed, else
from ``core/other/jsonreport`` / ``htmlreport``, present in every 2.x. Coverage: URLs in ZAP's sites tree
under the target (``core/view/urls``), the requests sent (counted by the scope proxy when ZAP used it,
else the spider's processed URLs plus the active scan's ``reqCount``), the URLs the active scan requested
(scope proxy only), the passive rules enabled and the active rules that completed or were skipped
(``ascan/view/scanProgress``), and for API scans the operations requested.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.results.messages import message
from harness.results.model import SkippedItem
from harness.runners.security.openapi import operation_coverage
from harness.runners.security.zap_api import ZapError, ZapUnavailable

if TYPE_CHECKING:
    from harness.runners.security.zap import ZapScan


def keep_report(scan: ZapScan) -> None:
    """Write zap-report.json / .html into the run directory.

    Raises:
        ZapUnavailable: ZAP stopped answering.
    """
    raw = scan.ctx.raw_dir
    if scan.reports_addon:
        reports = scan.client.reports
        try:
            for template, name in (("traditional-json", "zap-report.json"), ("traditional-html", "zap-report.html")):
                written = scan.api.call(
                    "reports/action/generate",
                    lambda t=template, n=name: reports.generate(  # type: ignore[misc]
                        title=f"ZAP scan of {scan.plan.target_url}", template=t, reportdir=str(raw),
                        reportfilename=n, contexts=scan.context_name,
                    ),
                )  # fmt: skip
                if not (raw / name).is_file():
                    raise ZapError(f"ZAP wrote its report to {written!r}, not into the run directory", "no_access")
            return
        except ZapError as exc:
            if exc.code not in ("no_access", "bad_action", "does_not_exist"):
                scan.outcome.notes.append(message("note.zap.report_failed", detail=str(exc)))
                return
    core = scan.client.core
    for function, name, what in (
        (core.jsonreport, "zap-report.json", "core/other/jsonreport"),
        (core.htmlreport, "zap-report.html", "core/other/htmlreport"),
    ):
        try:
            text = scan.api.call(what, function)
        except ZapError as exc:
            scan.outcome.notes.append(message("note.zap.report_failed", detail=str(exc)))
            return
        _write(raw / name, str(text))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def measure(scan: ZapScan) -> None:
    """Fill the outcome's coverage from ZAP's API and the scope proxy; calls that fail leave gaps."""
    coverage = scan.outcome.coverage
    client, api, base = scan.client, scan.api, scan.plan.base_url
    total = scan.pager.alerts
    try:
        counted = int(str(api.call("core/view/numberOfAlerts", lambda: client.core.number_of_alerts(baseurl=base))))
        if counted != len(total):
            scan.outcome.notes.append(message("note.zap.alerts_read", held=counted, base=base, read=len(total)))
        urls = api.call("core/view/urls", lambda: client.core.urls(baseurl=base))
        coverage.urls_found = len(urls) if isinstance(urls, list) else None
        passive = api.call("pscan/view/scanners", lambda: client.pscan.scanners)
        coverage.rules_run += [str(r.get("id")) for r in _dicts(passive) if str(r.get("enabled")) == "true"]
        if scan.ascan_id:
            ran, refused = _active_rules(
                api.call("ascan/view/scanProgress", lambda: client.ascan.scan_progress(scan.ascan_id))
            )
            coverage.rules_run += ran
            coverage.rules_refused += refused
    except (ZapError, ZapUnavailable, ValueError) as exc:
        scan.outcome.notes.append(message("note.security.coverage_incomplete", detail=str(exc)))
    if scan.proxy is not None:
        coverage.requests = scan.proxy.requests
        if scan.ascan_id:
            coverage.urls_scanned = len({url for _, url in scan.proxy.seen("attack")})
    else:
        coverage.requests = _requests_from_api(scan)
    if scan.plan.mode == "api":
        try:
            requested = scan.operations_requested()
        except (ZapError, ZapUnavailable):
            return
        excluded = {item.name for item in coverage.operations_skipped}
        coverage.operations_scanned, missing = operation_coverage(scan.plan.operations, requested, excluded)
        coverage.operations_skipped += missing


def _requests_from_api(scan: ZapScan) -> int | None:
    client, api = scan.client, scan.api
    try:
        count = 0
        if scan.spider_id:
            full = api.call("spider/view/fullResults", lambda: client.spider.full_results(scan.spider_id))
            for part in _dicts(full):
                for url in _dicts(part.get("urlsInScope")):
                    count += str(url.get("processed", "true")) == "true"
        if scan.ascan_id:
            scans = api.call("ascan/view/scans", lambda: client.ascan.scans)
            count += sum(int(str(s.get("reqCount", 0))) for s in _dicts(scans) if str(s.get("id")) == scan.ascan_id)
        return count
    except (ZapError, ZapUnavailable, ValueError):
        return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _active_rules(progress: Any) -> tuple[list[str], list[SkippedItem]]:
    """Rule ids that completed and those ZAP skipped (with its reason) from ``ascan/view/scanProgress``."""
    ran: list[str] = []
    skipped: list[SkippedItem] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Plugin" and isinstance(value, list) and len(value) >= 4:
                    name, rule, status = str(value[0]), str(value[1]), str(value[3])
                    if status.lower().startswith("complete"):
                        ran.append(rule)
                    elif status.lower().startswith("skipped"):
                        skipped.append(SkippedItem(name=f"{rule} {name}", reason=message("skip.zap.status", status=status)))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(progress)
    return ran, skipped
