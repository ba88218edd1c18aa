"""junit.xml validates against a strict JUnit XSD and shows why the gate failed."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from harness.reports.junit import render_junit
from harness.results.rundir import RunDirectory
from tests.reports.sample import sample_run

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).resolve().parents[1] / "data" / "schemas" / "junit.xsd")))


def _render(tmp_path: Path) -> etree._Element:
    run = sample_run(RunDirectory.create(tmp_path, "sample-run"))
    document = etree.fromstring(render_junit(run))
    SCHEMA.assertValid(document)
    return document


def test_validates_and_keeps_every_suite_but_skipped_ones(tmp_path: Path) -> None:
    root = _render(tmp_path)
    assert [s.get("name") for s in root] == ["api", "uat", "load", "zap", "broken", "acceptance-criteria"]
    assert root.get("tests") == str(sum(int(s.get("tests")) for s in root))


def test_cases_output_and_control_characters(tmp_path: Path) -> None:
    api = _render(tmp_path).find("testsuite[@name='api']")
    assert (api.get("tests"), api.get("failures"), api.get("errors"), api.get("skipped")) == ("4", "1", "1", "1")
    failed = api.find("testcase[failure]")
    assert failed.get("name") == "fee <rounding> & [31mcolour[0m"
    assert failed.find("system-out").text == "output"


def test_fail_findings_are_failed_testcases(tmp_path: Path) -> None:
    zap = _render(tmp_path).find("testsuite[@name='zap']")
    cases = zap.findall("testcase")
    assert [c.get("name") for c in cases] == ["[high] 40012 Cross Site Scripting (Reflected)"]
    failure = cases[0].find("failure")
    assert failure.get("type") == "security-finding" and "1 instance; rule action FAIL" in failure.get("message")
    assert "GET http://127.0.0.1/portal/search?q=x q" in failure.text and "Solution: Escape output." in failure.text
    assert (zap.get("tests"), zap.get("failures")) == ("1", "1")


def test_suite_error_and_criteria(tmp_path: Path) -> None:
    root = _render(tmp_path)
    broken = root.find("testsuite[@name='broken']/testcase/error")
    assert broken.get("message") == "pytest collected no tests"
    criteria = root.find("testsuite[@name='acceptance-criteria']")
    assert (criteria.get("failures"), criteria.get("errors")) == ("1", "1")
    failed = criteria.find("testcase[failure]")
    assert failed.get("classname") == "acceptance-criteria.api"
    assert failed.find("failure").get("message") == "expected failed + errors == 0; measured 2"


def test_no_suite_is_green_where_the_report_says_failed_or_stopped(tmp_path: Path) -> None:
    from tests.rich_runs import make_rich_run

    rundir = make_rich_run(tmp_path, "en")
    root = etree.parse(str(rundir.path / "junit.xml")).getroot()
    SCHEMA.assertValid(root)
    run = rundir.read_run()
    for suite in run.suites:
        element = root.find(f"testsuite[@name='{suite.name}']")
        assert element is not None, suite.name
        red = int(element.get("failures")) + int(element.get("errors"))
        assert bool(red) == (suite.status.value != "passed"), suite.name
    # the security scan cut short after its critical findings: failed cases and one "stopped early" error
    security = root.find("testsuite[@name='security']")
    stopped = security.find("testcase[@name='security (stopped early)']/error")
    assert stopped.get("type") == "stopped-early" and "max_minutes (whole scan) time cap (600 s)" in stopped.get(
        "message"
    )
    # the JTL import failed by its default criterion only: a case says which
    jmeter = root.find("testsuite[@name='jmeter']/testcase[@name='jmeter (acceptance criteria)']/failure")
    assert jmeter.get("message") == "failed criteria: error_rate == 0%" and "measured 50 %" in jmeter.text
