"""Every page of the dashboard over a recorded history, through FastAPI's TestClient: what each shows, that
run data is escaped, that only the reports folder's files are served, and what the server refuses."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from harness.history.location import HistoryLocation
from harness.profile.cron import CronSchedule
from harness.results.rundir import RunDirectory
from harness.serve import Credentials, ServeSettings, create_app
from serve.conftest import MakeClient, copy_reports
from serve.dashboard_data import HOSTILE_NAME, XSS_ATTACK, DashboardData

PAGES = ("/", "/runs", "/profiles/demo", "/diff", "/schedules", "/verify")


def tree(response: object) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(response.text)  # type: ignore[attr-defined]


def text_of(response: object) -> str:
    return " ".join(tree(response).text_content().split())


def row_text(row: lxml_html.HtmlElement) -> str:
    """A table row's cells, each with its whitespace collapsed, joined by single spaces."""
    return " ".join(" ".join(cell.text_content().split()) for cell in row.xpath("td|th")).strip()


def test_every_page_loads_and_carries_no_script(client: TestClient, dashboard_data: DashboardData) -> None:
    runs = (*dashboard_data.demo_runs, dashboard_data.unfinished, *dashboard_data.api_runs)
    for path in (*PAGES, *(f"/runs/{run}" for run in runs)):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert not tree(response).xpath("//script"), path


def test_overview_shows_each_profile_with_its_stage_latest_verdict_and_sign_off(
    client: TestClient, dashboard_data: DashboardData
) -> None:
    page = tree(client.get("/"))
    rows = {row.xpath("string(td[2]/a)"): row for row in page.xpath("//table[@class='profiles']/tbody/tr")}
    assert set(rows) == {"demo", "permits-api"}
    demo = row_text(rows["demo"])
    assert "某市政务服务网行政许可申请系统" in demo and "testing" in demo
    closed = rows["demo"].xpath("string(td[3]/div)")  # the ledger: stages closed with a signed report
    assert closed.startswith("development closed") and dashboard_data.demo_runs[0] in closed
    assert rows["demo"].xpath("td[3]/div/a/@href") == [f"/runs/{dashboard_data.demo_runs[0]}"]
    assert rows["permits-api"].xpath("td[3]/div") == []  # another project: none closed
    assert "INCOMPLETE unfinished" in demo  # the newest run was killed: it is the latest, unfinished
    assert "partly signed" in demo and "signed by project, supervision (2 of 3)" in demo
    assert "verified against the trust anchors" in demo and f"report of {dashboard_data.signed_run}" in demo
    api = row_text(rows["permits-api"])
    assert "go-live" in api and "PASS" in api and "no report.pdf" in api
    strip = rows["demo"].xpath(".//svg[@data-kind='strip']/a/rect")
    assert len(strip) == 6 and strip[-1].get("fill") == "#bf8700"  # newest right: INCOMPLETE


def test_sign_off_without_trust_anchors_says_trust_was_not_checked(make_client: MakeClient) -> None:
    page = text_of(make_client(trust=()).get("/"))
    assert "partly signed" in page and "trust not checked (no --trust)" in page
    assert "FAILED" not in page  # an untrusted signer is not a failed report when nothing was to be trusted


def test_profile_page_draws_its_trends(client: TestClient, dashboard_data: DashboardData) -> None:
    page = tree(client.get("/profiles/demo"))
    charts = {fig.xpath("string(figcaption)"): fig for fig in page.xpath("//figure[contains(@class, 'chart')]")}
    p95 = charts["p95 response time per performance suite"]
    points = p95.xpath(".//circle[@class='point']")
    assert len(points) == 5  # five finished runs (the killed one measured nothing)
    heights = [float(p.get("cy")) for p in points]
    assert heights == sorted(heights, reverse=True)  # p95 grows run after run: every point higher up
    assert points[0].xpath("string(title)") == f"{dashboard_data.demo_runs[0]} · performance: 180 ms"
    assert points[0].getparent().get("href") == f"/runs/{dashboard_data.demo_runs[0]}"
    bars = charts["Findings by severity (rules marked IGNORE left out)"].xpath(".//rect[@class='bar']")
    high = [b.xpath("string(title)") for b in bars if b.get("fill") == "#d1242f"]
    assert high == [f"{run}: 1 high" for run in dashboard_data.demo_runs[2:]]  # the XSS arrives in run 3
    rates = charts["Test pass rate (every suite made of test cases)"].xpath(".//circle/title/text()")
    assert rates[2] == f"{dashboard_data.demo_runs[2]}: 95 % of tests passed"
    assert "3 PASS (50 %)" in text_of(client.get("/profiles/demo"))


def test_run_page_shows_suites_criteria_findings_and_performance(
    client: TestClient, dashboard_data: DashboardData
) -> None:
    run = dashboard_data.demo_runs[-1]
    response = client.get(f"/runs/{run}")
    page, words = tree(response), text_of(response)
    assert [r.xpath("string(td[1])") for r in page.xpath("//table[@class='suites']/tbody/tr")] == [
        "unit", "performance", "security"
    ]  # fmt: skip
    criteria = [row_text(r) for r in page.xpath("//table[@class='criteria']/tbody/tr")]
    assert criteria == ["unit pass_rate >= 100% 100% 100.0 % passed", "performance p95 < 500ms 500ms 300 ms passed"]
    findings = {r.xpath("string(td[3])").split("where")[0].strip(): r.xpath("string(td[1])").strip()
                for r in page.xpath("//table[@class='findings']/tbody/tr")}  # fmt: skip
    assert findings == {
        HOSTILE_NAME: "unchanged", "Cross Site Request Forgery": "unchanged", "HttpOnly Flag cookie": "new",
        "Fingerprint web technology": "unchanged",
    }  # fmt: skip
    assert "Compared with baseline 'previous' of the profile" in words
    assert f"baseline run {dashboard_data.demo_runs[-2]}" in words
    charts = page.xpath("//h2[.='Performance']/following::figure//figcaption/text()")
    assert charts[:3] == [
        "Response times — performance", "Requests and failures per second — performance", "Users — performance"
    ]  # fmt: skip
    assert len(page.xpath("//figure[figcaption='Users — performance']//circle")) == 15
    assert "POST /api/applications?q=<script>" in page.xpath("//table[@class='endpoints']//td/text()")


def test_run_without_a_named_baseline_is_compared_with_the_previous_run(
    client: TestClient, dashboard_data: DashboardData
) -> None:
    page = tree(client.get(f"/runs/{dashboard_data.demo_runs[3]}"))
    states = {r.xpath("string(td[3])").split("where")[0].strip(): r.xpath("string(td[1])").strip()
              for r in page.xpath("//table[@class='findings']/tbody/tr")}  # fmt: skip
    assert states["Content Security Policy Configuration"] == "fixed"  # in run 3, gone in run 4
    assert states[HOSTILE_NAME] == "unchanged"
    assert "the previous run of the profile in which the suite completed" in " ".join(page.text_content().split())
    first = text_of(client.get(f"/runs/{dashboard_data.demo_runs[0]}"))
    assert "no earlier run of this profile completed this suite: every finding counts as new" in first


def test_run_data_is_escaped_everywhere(client: TestClient, dashboard_data: DashboardData) -> None:
    run = dashboard_data.demo_runs[-1]
    for path in ("/", f"/runs/{run}", "/profiles/demo", f"/diff?a={dashboard_data.demo_runs[1]}&b={run}"):
        body = client.get(path).text
        assert "<script" not in body and "<img" not in body, path
    body = client.get(f"/runs/{run}").text
    assert "Reflected XSS &lt;img src=x onerror=alert(1)&gt;" in body
    assert "&#34;&gt;&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in body  # the attack, shown as text
    assert XSS_ATTACK in text_of(client.get(f"/runs/{run}"))


def test_evidence_list_gives_the_manifest_hashes_and_links_every_raw_file(
    client: TestClient, dashboard_data: DashboardData
) -> None:
    run = dashboard_data.signed_run
    page = tree(client.get(f"/runs/{run}"))
    manifest = {a.path: a.sha256 for a in RunDirectory(dashboard_data.reports / run).read_manifest()}
    shown = {
        r.xpath("string(td[1])").split()[0]: r.xpath("string(td[3])")
        for r in page.xpath("//table[@class='files']/tbody/tr")
    }
    for path, digest in manifest.items():
        assert shown[path] == digest
    links = set(page.xpath("//a[@class='file-link']/@href"))
    assert f"/runs/{run}/files/raw/security/report.html" in links and f"/runs/{run}/files/report.pdf" in links
    assert not any("target/" in link for link in links)  # the system under test's data: listed, never served
    for link in links:
        assert client.get(link).status_code == 200, link


def test_raw_html_is_served_sandboxed_and_the_report_as_pdf(client: TestClient, dashboard_data: DashboardData) -> None:
    run = dashboard_data.signed_run
    raw = client.get(f"/runs/{run}/files/raw/security/report.html")
    assert raw.status_code == 200 and "<script>" in raw.text  # the file as the tool wrote it...
    assert raw.headers["content-security-policy"].startswith("sandbox;")  # ...but never run in our origin
    pdf = client.get(f"/runs/{run}/files/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/runs/{run}/files/run.json").headers["content-type"].startswith("text/plain")
    download = client.get(f"/runs/{run}/files/raw/performance/stats.csv?download=1")
    assert download.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "path",
    [
        "../history.sqlite", "..%2Fhistory.sqlite", "raw/../../history.sqlite", "raw/..%2F..%2Fhistory.sqlite",
        "%2Fetc%2Fpasswd", "/etc/passwd", "raw/%2E%2E/%2E%2E/history.sqlite", "target/demo.sqlite",
        "raw/security/link-out.txt", ".hidden", "raw/nothing-here.txt", "raw", "raw/security",
        "raw\\..\\..\\history.sqlite", "raw/security/report.html%00.txt",
    ],
)  # fmt: skip
def test_nothing_outside_the_served_files_of_the_run_directory(
    path: str, make_client: MakeClient, dashboard_data: DashboardData, tmp_path: Path
) -> None:
    reports = copy_reports(dashboard_data, tmp_path)
    run_dir = reports / dashboard_data.signed_run
    (run_dir / "raw" / "security" / "link-out.txt").symlink_to(reports / "history.sqlite")
    (run_dir / ".hidden").write_text("hidden\n")
    client = make_client(history=HistoryLocation(path=reports / "history.sqlite"), reports=reports)
    response = client.get(f"/runs/{dashboard_data.signed_run}/files/{path}")
    assert response.status_code == 404, (path, response.text[:200])
    assert b"SQLite format" not in response.content and "root:" not in response.text


def test_a_run_whose_directory_is_elsewhere_serves_nothing(client: TestClient, dashboard_data: DashboardData) -> None:
    page = text_of(client.get(f"/runs/{dashboard_data.elsewhere}"))
    assert "the run directory is not in the reports folder" in page and "unit" in page
    assert client.get(f"/runs/{dashboard_data.elsewhere}/files/run.json").status_code == 404


def test_unknown_pages_runs_and_methods(client: TestClient) -> None:
    missing = client.get("/runs/no-such-run")
    assert missing.status_code == 404 and "no run &#39;no-such-run&#39; in the history" in missing.text
    assert client.get("/profiles/<script>").status_code == 404
    assert "<script>" not in client.get("/profiles/<script>").text
    assert client.get("/runs?limit=0").status_code == 400
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/").status_code == 405
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_diff_page_says_what_history_diff_prints(
    client: TestClient, dashboard_data: DashboardData, tmp_path: Path
) -> None:
    earlier, later = dashboard_data.demo_runs[2], dashboard_data.demo_runs[4]
    page = tree(client.get(f"/diff?a={earlier}&b={later}"))
    printed = subprocess.run(
        [str(Path(sys.executable).with_name("harness")), "history", "diff", earlier, later, "--history",
         str(dashboard_data.history)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"}, cwd=tmp_path,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    headings = [" ".join(h.text_content().split()) for h in page.xpath("//h2[@class='diff-suite']")]
    assert headings == [line.strip() for line in printed.stdout.splitlines() if line.startswith("suite ")]
    new_fixed = [row_text(r) for r in page.xpath("//table[@class='diff-findings']/tbody/tr")]
    assert new_fixed == ["NEW low HttpOnly Flag cookie wapiti:cookie fp-cookie",
                         "FIXED low Content Security Policy Configuration wapiti:csp fp-csp"]  # fmt: skip
    assert re.search(r"NEW\s+low\s+HttpOnly Flag cookie \(rule wapiti:cookie, fp-cookie\)", printed.stdout)
    changes = page.xpath("//table[@class='diff-metrics']/tbody/tr/td[5]/text()")
    for change in changes:
        assert change in printed.stdout
    worse = page.xpath("//table[@class='diff-metrics']/tbody/tr[td[1]='p95' and td[2]='']/td[5]")[0]
    assert worse.get("class") == "num worse" and worse.text == "+60 ms (+25.0 %)"


def test_diff_page_with_an_unknown_run_says_so(client: TestClient, dashboard_data: DashboardData) -> None:
    response = client.get(f"/diff?a=demo-2026&b={dashboard_data.demo_runs[0]}")
    assert response.status_code == 404 and "matches 6 runs" in text_of(response)


def test_schedules_show_next_fire_times_and_last_runs(client: TestClient, dashboard_data: DashboardData) -> None:
    page = tree(client.get("/schedules"))
    rows = {r.xpath("string(td[1])").split()[0]: r for r in page.xpath("//table[@class='schedules']/tbody/tr")}
    assert set(rows) == {"nightly", "weekly-full"}
    now = datetime.now(UTC)
    for name, cron in (("nightly", "0 2 * * *"), ("weekly-full", "0 3 * * sun")):
        schedule = CronSchedule(cron, "Asia/Shanghai")
        expected = schedule.next_after(now).astimezone(schedule.zone).strftime("%Y-%m-%d %H:%M %Z")
        following = schedule.next_after(schedule.next_after(now)).astimezone(schedule.zone)
        shown = rows[name].xpath("string(td[contains(@class, 'next-fire')])")
        assert shown in (expected, following.strftime("%Y-%m-%d %H:%M %Z"))  # a fire time may pass meanwhile
    nightly = row_text(rows["nightly"])
    assert (
        "missed" not in nightly and f"{dashboard_data.signed_run} PASS" in nightly
    )  # the latest due, not the last logged
    log = [row_text(r) for r in page.xpath("//table[@class='schedule-log']/tbody/tr")]
    assert any("missed" in entry and "the scheduler was down" in entry for entry in log)


def test_declared_schedules_of_profiles_given_at_start(make_client: MakeClient, repo: Path) -> None:
    page = tree(make_client(profiles=(repo / "profiles" / "demo.yaml",)).get("/schedules"))
    names = [r.xpath("string(td[1])") for r in page.xpath("//table[@class='schedules']/tbody/tr")]
    assert "nightly profile" in [" ".join(n.split()) for n in names]


def test_credentials_are_required_once_set(make_client: MakeClient) -> None:
    token = "s3cret-token-of-32-characters-xx"
    client = make_client(credentials=Credentials.of(token, None, None), host="0.0.0.0")
    refused = client.get("/")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic realm=")
    assert token not in refused.text
    assert client.get("/", headers={"authorization": "Bearer wrong-token-wrong-token-xx"}).status_code == 401
    assert client.get("/", headers={"authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/", auth=("anyone", token)).status_code == 200  # a browser's basic-auth prompt
    assert client.get("/static/dashboard.css").status_code == 401


def test_without_credentials_only_loopback_host_names_are_answered(client: TestClient) -> None:
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765"):
        assert client.get("/", headers={"host": host}).status_code == 200, host
    for host in ("attacker.example", "attacker.example:8765", "192.168.1.5:8765"):  # DNS rebinding
        assert client.get("/", headers={"host": host}).status_code == 421, host


def test_a_non_loopback_bind_without_credentials_is_refused(dashboard_data: DashboardData) -> None:
    from harness.errors import ServeError

    with pytest.raises(
        ServeError, match=r"refusing to listen on 0\.0\.0\.0 without credentials: set HARNESS_SERVE_TOKEN"
    ):
        create_app(ServeSettings(history=HistoryLocation(path=dashboard_data.history), reports=dashboard_data.reports,
                                 host="0.0.0.0"))  # fmt: skip


def test_the_history_on_postgresql_too(history_url: str, dashboard_data: DashboardData, tmp_path: Path) -> None:
    from harness.history.runs import RunStore

    store = RunStore.open(history_url)
    for run_id in dashboard_data.demo_runs:
        store.record(RunDirectory(dashboard_data.reports / run_id).read_run(), dashboard_data.reports / run_id)
    app = create_app(ServeSettings(history=HistoryLocation.parse(history_url), reports=dashboard_data.reports))
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert "demo" in text_of(client.get("/"))
        run = text_of(client.get(f"/runs/{dashboard_data.demo_runs[-1]}"))
        assert "HttpOnly Flag cookie" in run
        assert len(tree(client.get("/profiles/demo")).xpath("//circle[@class='point']")) >= 10


def test_pages_answer_while_a_run_holds_the_history_for_writing(
    make_client: MakeClient, dashboard_data: DashboardData, tmp_path: Path
) -> None:
    from harness.history.sqlite import BUSY_TIMEOUT

    reports = copy_reports(dashboard_data, tmp_path)
    client = make_client(history=HistoryLocation(path=reports / "history.sqlite"), reports=reports)
    writer = sqlite3.connect(reports / "history.sqlite", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # as a finishing run records itself: the write lock, held
        writer.execute("UPDATE runs SET recorded = recorded")
        started = time.monotonic()
        for path in ("/", "/profiles/demo", f"/runs/{dashboard_data.signed_run}", "/schedules", "/runs"):
            assert client.get(path).status_code == 200, path
        assert time.monotonic() - started < BUSY_TIMEOUT  # no page waited for the writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()
