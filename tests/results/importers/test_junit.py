"""The JUnit importer against real-shaped files of every dialect in the field, and against bad input."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.junit import JUnitImporter, JUnitReader
from harness.results.model import CaseStatus, SuiteStatus

DATA = Path(__file__).resolve().parents[2] / "data" / "junit"


def read(*names: str):  # type: ignore[no-untyped-def]
    return JUnitImporter().read([DATA / n for n in names], "imported", "unit")


# file -> (tests, passed, failed, errors, skipped): counted from the testcases, not the declared attributes
DIALECTS = {
    "surefire.xml": (5, 2, 1, 1, 1),
    "gradle.xml": (4, 2, 1, 0, 1),
    "pytest-legacy.xml": (4, 2, 1, 0, 1),
    "pytest-xunit1.xml": (6, 3, 1, 1, 1),
    "pytest-xunit2.xml": (6, 3, 1, 1, 1),
    "jest-junit.xml": (5, 3, 1, 0, 1),
    "mocha.xml": (4, 3, 1, 0, 0),
    "newman.xml": (14, 12, 2, 0, 0),
    "soapui.xml": (3, 2, 1, 0, 0),
    "gotestsum.xml": (5, 2, 2, 0, 1),
    "nextest.xml": (4, 3, 1, 0, 0),
    "phpunit.xml": (5, 2, 1, 1, 1),
    "karma.xml": (4, 2, 1, 0, 1),
    "gbk.xml": (2, 1, 1, 0, 0),
    "latin1.xml": (1, 1, 0, 0, 0),
}


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_every_dialect_counts_from_the_testcases(name: str) -> None:
    result = read(name)
    tests, passed, failed, errors, skipped = DIALECTS[name]
    m = result.metrics
    assert (m["tests"], m["passed"], m["failed"], m["errors"], m["skipped"]) == (tests, passed, failed, errors, skipped)
    assert result.status is (SuiteStatus.FAILED if failed or errors else SuiteStatus.PASSED)
    assert len({c.id for c in result.cases}) == len(result.cases)


def test_pytest_fixture_error_is_an_error() -> None:
    cases = read("pytest-xunit1.xml").cases
    errored = [c for c in cases if c.status is CaseStatus.ERROR]
    assert [c.name for c in errored] == ["test_fee_posted_to_ledger"]
    assert "ledger database unavailable" in errored[0].details


def test_surefire_details_output_properties_and_flaky_rerun() -> None:
    cases = {c.name: c for c in read("surefire.xml").cases}
    failed = cases["constructionFeeRoundsToFen"]
    assert failed.status is CaseStatus.FAILED
    assert failed.message == "expected: <385.61> but was: <385.60>"
    assert "FeeCalculatorTest.java:42" in failed.details
    assert "area=120.5" in failed.stdout
    errored = cases["ledgerPosting"]
    assert errored.status is CaseStatus.ERROR and "HikariPool" in errored.stderr
    assert cases["roadOccupationTariff2025"].message == "tariff 2025 not yet published"
    flaky = cases["outdoorAdvertisingMinimumFee"]
    assert flaky.status is CaseStatus.PASSED and "1 failed attempt" in flaky.properties["flaky"]
    # the suite's <properties> (Java system properties) go with its failed cases
    assert failed.properties["java.version"] == "17.0.9"
    assert "java.version" not in cases["foodServiceFlatFee"].properties


def test_gradle_suite_level_output_goes_to_the_failed_case() -> None:
    cases = {c.name: c for c in read("gradle.xml").cases}
    assert "no review!" in cases["approveWithoutReviewIsRefused()"].stdout
    assert cases["submitDraft()"].stdout == ""


def test_messages_come_from_the_text_when_the_tool_writes_no_attribute() -> None:
    jest = next(c for c in read("jest-junit.xml").cases if c.status is CaseStatus.FAILED)
    assert jest.message == "Error: expect(received).toHaveTextContent(expected)"
    php = next(c for c in read("phpunit.xml").cases if c.status is CaseStatus.FAILED)
    assert php.message.startswith("Tests\\Unit\\FeeTest::testAreaFee")
    assert php.classname == "Tests.Unit.FeeTest" and php.file == "/app/tests/Unit/FeeTest.php"
    karma = next(c for c in read("karma.xml").cases if c.status is CaseStatus.FAILED)
    assert karma.message.startswith("Expected '<b>x</b>'")


def test_soapui_namespace_and_html_failure_text() -> None:
    result = read("soapui.xml")
    failed = next(c for c in result.cases if c.status is CaseStatus.FAILED)
    assert failed.name == "SubmitPermitApplication TestCase"
    assert failed.classname == "PermitExchange TestSuite"  # SoapUI writes no classname: the suite names it
    assert "expecting [ACCEPTED], actual was [REJECTED]" in failed.details


def test_newman_junit_keeps_the_request_as_classname() -> None:
    failed = [c for c in read("newman.xml").cases if c.status is CaseStatus.FAILED]
    assert {c.name for c in failed} == {"Session cookie is HttpOnly", "Responses carry X-Content-Type-Options"}
    assert all("Failed 2 times" in c.details for c in failed)


def test_nextest_rerun_does_not_decide_and_flaky_pass_is_marked() -> None:
    cases = {c.name: c for c in read("nextest.xml").cases}
    assert cases["fees::tests::construction_rounding"].status is CaseStatus.FAILED
    assert "test result: FAILED" in cases["fees::tests::construction_rounding"].stdout
    assert cases["workflow::tests::withdraw"].status is CaseStatus.PASSED
    assert "flaky" in cases["workflow::tests::withdraw"].properties


def test_gotestsum_skip_message_and_package_properties() -> None:
    cases = {c.name: c for c in read("gotestsum.xml").cases}
    assert cases["TestRoadOccupationTariff"].status is CaseStatus.SKIPPED
    assert "TestConstructionFee/rounding" in cases
    assert cases["TestMain"].properties["go.version"].startswith("go1.22")


def test_phpunit_nested_suites_and_data_sets() -> None:
    result = read("phpunit.xml")
    names = [c.name for c in result.cases]
    assert names[:3] == [
        "testFlatFee",
        'testAreaFee with data set "small shop"',
        'testAreaFee with data set "warehouse"',
    ]
    assert result.notes == ()  # every nested suite's declared count matches


def test_declared_count_mismatch_is_a_note_not_the_truth(tmp_path: Path) -> None:
    path = tmp_path / "lying.xml"
    path.write_text(
        '<testsuite name="api" tests="9" failures="0"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>'
    )
    result = JUnitImporter().read([path], "s", "unit")
    assert (result.metrics["tests"], result.metrics["failed"]) == (2, 1)
    assert any("'api': tests=9 ≠ 2" in note for note in result.notes)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gbk.xml", ("许可.申请", "身份证号校验", "身份证号校验失败：末位应为 X")),
        ("latin1.xml", ("Gebühren.Prüfung", "Straßennutzung für Café", "")),
    ],
)
def test_declared_encodings(name: str, expected: tuple[str, str, str]) -> None:
    case = read(name).cases[-1]
    assert (case.classname, case.name, case.message) == expected


def test_latin1_output_text_is_decoded() -> None:
    assert read("latin1.xml").cases[0].stdout == "Größe: 12 m²"


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("truncated.xml", 16, "truncated or malformed XML: CData section not finished"),
        ("empty.xml", 1, "empty file"),
        ("wrong-root.xml", 2, "root element <testResults> is not JUnit XML"),
        ("billion-laughs.xml", 2, "DTDs and entity declarations are refused"),
        ("undeclared-latin1.xml", 1, "declare the file's encoding"),
    ],
)
def test_bad_input_names_file_and_line(name: str, line: int, reason: str) -> None:
    path = DATA / "bad" / name
    with pytest.raises(ImportFormatError) as caught:
        read(f"bad/{name}")
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImportFormatError):
        read("bad/billion-laughs.xml")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB: nothing was expanded


def test_entity_declared_after_a_long_comment_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "sneaky.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- ' + "x" * 1000 + ' -->\n<!DOCTYPE t [<!ENTITY a "b">]>\n<testsuite name="&a;"/>\n'
    )
    with pytest.raises(ImportFormatError, match=r"sneaky.xml:3: DTDs"):
        JUnitImporter().read([path], "s", "unit")


def test_duplicate_ids_are_kept_apart_and_noted() -> None:
    result = read("bad/duplicates.xml")
    assert [c.id for c in result.cases] == [
        "checkout::pays by card",
        "checkout::pays by card#2",
        "checkout::pays by transfer",
    ]
    assert result.cases[1].status is CaseStatus.FAILED
    assert any("1 repeated test id" in note for note in result.notes)


def test_duplicates_across_files_of_one_suite() -> None:
    result = read("gradle.xml", "gradle.xml")
    assert result.metrics["tests"] == 8
    assert sum(1 for c in result.cases if c.id.endswith("#2")) == 4


def test_error_names_the_bad_file_among_several() -> None:
    with pytest.raises(ImportFormatError, match=r"bad/truncated.xml:\d+:"):
        read("surefire.xml", "bad/truncated.xml")


def _write_big(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        for suite in range(count // 100):
            out.write(f'<testsuite name="pkg.S{suite}" tests="100">\n')
            for case in range(100):
                if case == 7:
                    out.write(
                        f'<testcase classname="pkg.S{suite}" name="t{case}" time="0.01"><failure message="boom">trace</failure></testcase>\n'
                    )
                else:
                    out.write(f'<testcase classname="pkg.S{suite}" name="t{case}" time="0.001"/>\n')
            out.write("</testsuite>\n")
        out.write("</testsuites>\n")


def test_100k_cases(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    _write_big(path, 100_000)
    result = JUnitImporter().read([path], "big", "unit")
    assert result.metrics["tests"] == 100_000
    assert result.metrics["failed"] == 1000
    assert result.notes == ()


def test_reader_streams_cases_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    _write_big(path, 1000)
    reader = JUnitReader()
    first = next(iter(reader.read(path)))
    assert first.id == "pkg.S0::t0"


def test_wrong_root_after_a_long_prologue(tmp_path: Path) -> None:
    path = tmp_path / "late.xml"
    path.write_text("<?xml version='1.0'?>\n<!--" + "x" * 70_000 + "-->\n<html><body/></html>\n")
    with pytest.raises(ImportFormatError, match="root element <html> is not JUnit XML"):
        JUnitImporter().read([path], "s", "unit")


def test_a_utf8_report_cut_mid_character_is_called_truncated(tmp_path: Path) -> None:
    whole = (Path(__file__).resolve().parents[2] / "data" / "junit" / "pytest-zh-failures.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(whole[: whole.index("期望状态码".encode()) + 4])  # inside the second character
    with pytest.raises(ImportFormatError) as raised:
        list(JUnitReader().read(cut))
    reason = str(raised.value).partition(": ")[2]
    assert reason.startswith("truncated: the file ends in the middle of a UTF-8 character") and "GBK" not in reason


def test_surefire_report_with_a_very_long_trace_and_pytest_report_in_chinese() -> None:
    data = Path(__file__).resolve().parents[2] / "data" / "junit"
    surefire = JUnitImporter().read([data / "surefire-long-trace"], "backend", "integration")  # a directory
    assert surefire.metrics["tests"] == 23 and surefire.metrics["errors"] == 1 and surefire.metrics["failed"] == 1
    context = next(c for c in surefire.cases if c.name == "contextLoads")
    assert context.message.startswith("Failed to load ApplicationContext") and len(context.details) == 64 * 1024 + len(
        "\n… (truncated)"
    )
    assert any("ApplicationContextIT.txt" in n for n in surefire.notes)  # Surefire's text summary: not JUnit XML
    pytest_zh = JUnitImporter().read([data / "pytest-zh-failures.xml"], "受理", "integration")
    failed = [c for c in pytest_zh.cases if c.status.value == "failed"]
    assert len(failed) == 3 and failed[0].message.startswith("AssertionError: 期望状态码 201，实际 500")
