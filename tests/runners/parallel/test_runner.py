"""End to end: `harness run` with parallel-run suites against real demo instances the runs start (the old
release twice, the new one), a Chrome-shaped HAR, the SQL data checks on the demos' SQLite files and on a
real PostgreSQL, and the bad inputs (a system that is down, a query that fails)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from lxml import etree
from pg_server import PASSWORD, PostgresServer
from pypdf import PdfReader

pytestmark = pytest.mark.slow

HAR = Path(__file__).parent / "data" / "chrome-export.har"


def run(run_cli: Callable[..., Any], profile: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None
        ) -> tuple[Any, Path, dict[str, Any]]:  # fmt: skip
    result = run_cli("run", str(profile), *args, "--json", "--quiet", "--out", str(tmp_path / "reports"), env=env)
    assert result.code in (0, 1, 3), result.stderr
    run_dir = Path(result.json()["run_dir"])
    run_json = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return result, run_dir, {s["name"]: s for s in run_json["suites"]}


def pdf_text(run_dir: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(run_dir / "report.pdf").pages)


def test_the_go_live_profile_shows_the_new_releases_changes_and_passes(
    repo: Path, run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    result, run_dir, suites = run(run_cli, repo / "profiles/demo-golive.yaml", tmp_path, "--suite", "parallel-run")
    suite = suites["parallel-run"]
    assert result.code == 0 and result.json()["verdict"] == "PASS", suite.get("error")
    m = suite["metrics"]
    assert m["parallel.requests"] == 10 and m["parallel.unanswered"] == 0
    # the fee rule: the construction application and every answer that shows it
    assert m["parallel.mismatches"] == 4 and m["parallel.mismatched_fields"] == 4
    assert m["parallel.mismatch_rate"] == pytest.approx(0.4)
    # timestamps differ between the two old instances too: noise, not mismatches
    assert m["parallel.noise_fields"] >= 10
    # accepted changes (the date format, the release number) are listed as ignored
    assert m["parallel.ignored_fields"] == 6
    assert m["data.tables"] == 3 and m["data.mismatched_tables"] == 1 and m["data.failed_queries"] == 0
    (rate,) = [c for c in result.json()["criteria"] if c["expression"] == "parallel.mismatch_rate <= 50%"]
    assert rate["outcome"] == "passed" and rate["measured"] == pytest.approx(0.4)
    warned = sorted(c["expression"] for c in result.json()["criteria"] if c["outcome"] == "warned")
    assert warned == ["data.mismatched_tables == 0 : warn", "parallel.mismatches == 0 : warn"]
    cases = {c["name"]: c for c in suite["cases"]}
    create = cases["新建施工许可申请 / new construction application (1500 m²)"]
    assert create["status"] == "failed" and create["properties"]["diff.0.path"] == "$.fee"
    assert (create["properties"]["diff.0.old"], create["properties"]["diff.0.new"]) == ('"3500.00"', '"3250.00"')
    assert "noise.0.path" in create["properties"] and "diff.1.path" not in create["properties"]
    assert cases["当前用户 / who am I"]["status"] == "passed"
    applications = cases["applications"]
    assert applications["status"] == "failed" and applications["properties"]["keys"] == "1"
    assert "total_fee: old 3500, new 3250" in applications["message"]
    assert cases["audit"]["status"] == cases["users"]["status"] == "passed"
    # JUnit: each mismatching request is a failed test case with both values
    junit = etree.parse(str(run_dir / "junit.xml"))
    failures = junit.xpath("//testcase[failure]")
    assert len(failures) == 5  # four requests and the applications table
    first = failures[0].find("failure")
    assert "$.fee" in first.get("message") and '"3500.00"' in first.text and '"3250.00"' in first.text
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    (entry,) = [s for s in summary["suites"] if s["name"] == "parallel-run"]
    assert entry["metrics"]["parallel.mismatches"] == 4
    text = pdf_text(run_dir)
    for shown in ("新旧系统并行运行", "差异字段", "$.fee", '"3500.00"', '"3250.00"', "噪声字段", "$.items[*].created_at",
                  "按规则忽略", "日期格式改为 ISO 8601", "数据一致性检查", "total_fee", "不一致"):  # fmt: skip
        assert shown in text, shown
    for password in ("demo-applicant-pw",):
        for path in run_dir.rglob("*"):
            assert not path.is_file() or password.encode() not in path.read_bytes(), path


@pytest.fixture
def migrated_db(postgres_server: PostgresServer) -> Any:
    """The new system's database, migrated to PostgreSQL: the demo's users, and no applications yet."""
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    with psycopg.connect(url) as db:
        db.execute("CREATE TABLE users (username text PRIMARY KEY, role text NOT NULL)")
        db.execute("INSERT INTO users VALUES ('zhangsan', 'applicant'), ('lisi', 'applicant'), "
                   "('officer', 'officer'), ('admin', 'admin')")  # fmt: skip
        db.execute("CREATE TABLE applications (id integer PRIMARY KEY, fee numeric(10, 2))")
    yield postgres_server, name
    postgres_server.drop_database(name)


def test_a_har_replayed_without_noise_filter_and_data_checked_against_postgresql(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path, migrated_db: Any
) -> None:
    server, name = migrated_db
    profile = write_profile(
        f"""\
        project: {{name: HAR}}
        target: {{start: demo, demo: {{weaknesses: none}}}}
        suites:
          - name: replay
            kind: parallel-run
            options:
              primary:
                start: demo
                demo: {{version: old, weaknesses: none}}
                auth: {{type: login, url: /api/auth/token, username: zhangsan, password: demo-applicant-pw}}
              candidate:
                start: demo
                demo: {{weaknesses: none}}
                auth: {{type: login, url: /api/auth/token, username: zhangsan, password: demo-applicant-pw}}
              requests: {HAR}
              compare:
                ignore: ["$..created_at", "$..updated_at", "$..due_date"]
                headers: [content-type]
              data:
                primary: demo
                candidate: postgresql://harness:${{PG_PASSWORD}}@127.0.0.1:{server.port}/{name}
                tables:
                  - {{table: users, checksum: [username, role]}}
                  - {{table: applications, aggregates: {{fees: "sum(CAST(fee AS REAL))"}}}}
        report: {{language: en}}
        """
    )
    result, run_dir, suites = run(run_cli, profile, tmp_path, env={"PG_PASSWORD": PASSWORD})
    suite = suites["replay"]
    assert result.code == 1 and result.json()["verdict"] == "FAIL", suite.get("error")
    m = suite["metrics"]
    assert m["parallel.requests"] == 8 and m["parallel.noise_fields"] == 0
    # no secondary: the created_at of the applications differ too, but the rules ignore them
    # the HAR's construction application (1500 m²): its fee in the POST, the submit, the GET and the list
    assert m["parallel.mismatches"] == 4 and m["parallel.mismatched_fields"] == 4
    assert {c["name"]: c["status"] for c in suite["cases"] if c["classname"] == "parallel-run.data"} == {
        "users": "passed", "applications": "failed"}  # fmt: skip
    notes = " ".join(n["text"] if isinstance(n, dict) else n for n in suite["notes"])
    assert "8 requests of chrome-export.har" in notes and "2 of other origins skipped" in notes
    assert "no second old instance" in notes and f"harness:***@127.0.0.1:{server.port}" in notes
    text = pdf_text(run_dir)
    assert "Parallel run" in text and "Data consistency checks (per table)" in text and "Differing fields" in text
    for path in run_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PASSWORD.encode() not in data and b"demo-applicant-pw" not in data, path


def test_a_system_that_is_down_is_an_error_and_a_failing_query_leaves_the_suite_incomplete(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens once the probe is closed
    requests = tmp_path / "requests.yaml"
    requests.write_text("- {path: /api/permit-types}\n- {path: /version}\n", encoding="utf-8")
    from harness.demo.app import create_app

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(create_app(tmp_path / "spec.sqlite").openapi()), encoding="utf-8")
    profile = write_profile(
        f"""\
        project: {{name: Bad input}}
        target: {{base_url: "http://127.0.0.1:{closed}"}}  # down too: no suite here needs it
        suites:
          - name: down
            kind: parallel-run
            options:
              primary: {{base_url: "http://127.0.0.1:{closed}"}}
              candidate: {{base_url: "http://127.0.0.1:{closed}"}}
              requests: {requests}
          - name: bad-query
            kind: parallel-run
            options:
              primary: {{start: demo, demo: {{version: old}}}}
              candidate: {{start: demo}}
              requests: {requests}
              compare: {{ignore: [$.version]}}
              data:
                primary: demo
                candidate: demo
                tables: [{{table: applications, aggregates: {{x: "sum(no_such_column)"}}}}, {{table: users}}]
          - name: openapi
            kind: parallel-run
            options:
              primary: {{start: demo, demo: {{version: old}}}}
              candidate: {{start: demo}}
              requests: {spec}
              compare: {{ignore: [$.version]}}
        report: {{language: en}}
        """
    )
    result, _, suites = run(run_cli, profile, tmp_path)
    assert result.json()["verdict"] != "PASS" and result.code != 0
    # the GET operations of the demo's own OpenAPI document: old and new answer alike
    derived = suites["openapi"]
    assert derived["status"] == "passed" and derived["metrics"]["parallel.requests"] >= 6
    assert any("OpenAPI document:" in (n["text"] if isinstance(n, dict) else n) for n in derived["notes"])
    down = suites["down"]
    assert down["status"] == "error" and f"the primary system cannot be used: http://127.0.0.1:{closed}" in down["error"]
    assert "unreachable" in down["error"]
    bad = suites["bad-query"]
    assert bad["status"] == "incomplete" and "table applications" in bad["error"] and "no_such_column" in bad["error"]
    assert bad["metrics"]["parallel.requests"] == 2 and bad["metrics"]["parallel.mismatches"] == 0
    assert bad["metrics"]["data.failed_queries"] == 1 and bad["metrics"]["data.mismatched_tables"] == 0
    assert {c["name"]: c["status"] for c in bad["cases"] if c["classname"] == "parallel-run.data"} == {
        "applications": "error", "users": "passed"}  # fmt: skip


def test_three_httpbin_instances_differ_only_in_noise(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """Debian's httpbin, an application nobody here wrote: three instances of one version answer alike but
    for what is random or names the instance (a uuid, the URL with its port) — exactly Diffy's noise."""
    from httpbin_app import httpbin_server

    requests = tmp_path / "requests.yaml"
    requests.write_text(
        "- {path: /uuid}\n- {path: '/get?lang=zh&q=%E5%BC%A0%E4%B8%89'}\n- {path: /json}\n- {path: /status/418}\n"
        "- {method: POST, path: /anything/orders, json: {amount: 12.5, items: [b, a]}}\n- {path: /headers}\n",
        encoding="utf-8",
    )
    logs = [tmp_path / name for name in ("primary", "secondary", "candidate")]
    for log in logs:
        log.mkdir()
    with httpbin_server(logs[0]) as old, httpbin_server(logs[1]) as old2, httpbin_server(logs[2]) as new:
        body = f"""\
            project: {{name: httpbin}}
            target: {{base_url: "{new}", scope: [127.0.0.1]}}
            suites:
              - name: with-noise-filter
                kind: parallel-run
                options:
                  primary: {{base_url: "{old}"}}
                  secondary: {{base_url: "{old2}"}}
                  requests: {requests}
                  compare: {{headers: [content-type]}}
              - name: without
                kind: parallel-run
                options:
                  primary: {{base_url: "{old}"}}
                  requests: {requests}
                  compare: {{ignore: ["$.origin"]}}
            report: {{language: en}}
            """
        result, _run_dir, suites = run(run_cli, write_profile(body), tmp_path)
    filtered, unfiltered = suites["with-noise-filter"], suites["without"]
    assert filtered["status"] == "passed", filtered.get("error")
    assert filtered["metrics"]["parallel.requests"] == 6 and filtered["metrics"]["parallel.mismatches"] == 0
    noise = {
        case["properties"][key] for case in filtered["cases"] for key in case["properties"] if key.startswith("noise.") and key.endswith(".path")
    }  # fmt: skip
    assert {"$.uuid", "$.url"} <= noise and "$.json" not in noise
    # without a second old instance the uuid and the URLs (they name the port) are mismatches
    assert unfiltered["status"] == "failed" and result.code == 1
    failed = {c["name"] for c in unfiltered["cases"] if c["status"] == "failed"}
    assert {"GET /uuid", "GET /get?lang=zh&q=%E5%BC%A0%E4%B8%89", "POST /anything/orders"} <= failed
    assert "GET /json" not in failed and "GET /status/418" not in failed
    assert unfiltered["metrics"]["parallel.noise_fields"] == 0
