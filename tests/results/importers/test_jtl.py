"""JMeter JTL (CSV with and without header, custom columns, XML with nested samples) -> performance results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.jtl import DEFAULT_COLUMN_SETS, JtlImporter
from harness.results.model import SuiteStatus

HEADER_5 = ",".join(DEFAULT_COLUMN_SETS[0])
T0 = 1_700_000_000_000


def _row5(offset_ms: int, elapsed: int, label: str, ok: bool = True, message: str = "") -> str:
    code, text = ("200", "OK") if ok else ("500", "Internal Server Error")
    return (
        f"{T0 + offset_ms},{elapsed},{label},{code},{text},Users 1-1,text,{str(ok).lower()},{message},"
        f"512,120,4,4,http://127.0.0.1:8000/x,{elapsed - 1},0,2"
    )


def _read(path: Path) -> object:
    return JtlImporter().read([path], "jmeter", "performance")


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return write


def test_csv_with_the_default_header(write: Callable[[str, str], Path]) -> None:
    rows = [_row5(i * 250, 40 + i, "GET /api/items") for i in range(8)]
    rows += [_row5(2000, 300, "POST /api/items", ok=False, message="Assertion failed: expected 201")]
    result = JtlImporter().read([write("a.jtl", "\n".join([HEADER_5, *rows]) + "\n")], "jmeter", "performance")
    assert result.kind == "performance" and result.status is SuiteStatus.FAILED
    assert result.metrics["requests"] == 9 and result.metrics["failures"] == 1
    assert result.metrics["users"] == 4 and result.metrics["max"] == 0.3
    assert {e.name for e in result.endpoints} == {"GET /api/items", "POST /api/items"}
    assert result.failures[0].message == "Assertion failed: expected 201"
    assert result.failures[0].endpoints == ("POST /api/items",)
    assert result.timeseries and result.timeseries[-1].values["requests"] == 9


@pytest.mark.parametrize("columns", DEFAULT_COLUMN_SETS, ids=lambda c: f"{len(c)}-columns")
def test_csv_without_header_in_every_default_column_set(
    write: Callable[[str, str], Path], columns: tuple[str, ...]
) -> None:
    values = {
        "timeStamp": str(T0), "elapsed": "42", "label": "GET /x", "responseCode": "200", "responseMessage": "OK",
        "threadName": "TG 1-1", "dataType": "text", "success": "true", "failureMessage": "", "bytes": "10",
        "sentBytes": "5", "grpThreads": "3", "allThreads": "3", "URL": "http://127.0.0.1/x", "Latency": "40",
        "IdleTime": "0", "Connect": "1",
    }  # fmt: skip
    line = ",".join(values[c] for c in columns)
    result = JtlImporter().read([write("h.jtl", f"{line}\n{line}\n")], "s", "performance")
    assert result.metrics["requests"] == 2 and result.metrics["p50"] == 0.042


def test_custom_columns_delimiter_and_date_timestamps(write: Callable[[str, str], Path]) -> None:
    content = (
        "timeStamp;elapsed;label;success;failureMessage;allThreads;SampleCount;ErrorCount\n"
        "2024/03/01 10:00:00.000;100;Login;true;;2;1;0\n"
        "2024/03/01 10:00:01.500;300;Search;false;Response was null;2;3;3\n"
    )
    result = JtlImporter().read([write("c.jtl", content)], "s", "performance")
    assert result.metrics["requests"] == 4 and result.metrics["failures"] == 3
    assert result.failures[0].message == "Response was null"


def test_transaction_controller_rows_stay_out_of_the_totals(write: Callable[[str, str], Path]) -> None:
    tx = f'{T0},90,Checkout,200,"Number of samples in transaction : 2, number of failing samples : 0",T 1-1,,true,,0,0,1,1,null,0,0,0'
    content = "\n".join([HEADER_5, _row5(0, 40, "GET /cart"), _row5(40, 50, "POST /pay"), tx]) + "\n"
    result = JtlImporter().read([write("t.jtl", content)], "s", "performance")
    assert result.metrics["requests"] == 2
    assert {e.name for e in result.endpoints} == {"GET /cart", "POST /pay", "Checkout"}
    assert any("transaction-controller" in note for note in result.notes)


XML = """<?xml version="1.0" encoding="UTF-8"?>
<testResults version="1.2">
<httpSample t="120" it="0" lt="100" ct="5" ts="1700000000000" s="true" lb="GET /home" rc="200" rm="OK" tn="TG 1-1" dt="text" by="100" sby="50" ng="2" na="2">
  <httpSample t="30" ts="1700000000010" s="true" lb="GET /home-0" rc="302" rm="Found" tn="TG 1-1"/>
  <httpSample t="80" ts="1700000000040" s="true" lb="GET /home-1" rc="200" rm="OK" tn="TG 1-1"/>
  <java.net.URL>http://127.0.0.1:8000/home</java.net.URL>
</httpSample>
<sample t="400" ts="1700000001000" s="false" lb="Checkout" rc="200" rm="Number of samples in transaction : 2, number of failing samples : 1" tn="TG 1-2" na="2">
  <httpSample t="150" ts="1700000001000" s="true" lb="GET /cart" rc="200" rm="OK"/>
  <httpSample t="250" ts="1700000001150" s="false" lb="POST /pay" rc="503" rm="Service Unavailable"/>
</sample>
<httpSample t="60" ts="1700000002000" s="false" lb="GET /home" rc="200" rm="OK" na="1">
  <assertionResult><name>Contains welcome</name><failure>true</failure><error>false</error><failureMessage>Test failed: text expected to contain /welcome/</failureMessage></assertionResult>
</httpSample>
</testResults>
"""


def test_xml_counts_top_level_samples_and_explains_failures_from_nested_ones(write: Callable[[str, str], Path]) -> None:
    result = JtlImporter().read([write("r.xml", XML)], "s", "performance")
    assert result.metrics["requests"] == 3 and result.metrics["failures"] == 2
    assert {e.name for e in result.endpoints} == {"GET /home", "Checkout"}
    messages = {f.message for f in result.failures}
    assert messages == {"POST /pay: 503 Service Unavailable", "Test failed: text expected to contain /welcome/"}
    assert any("4 nested sub-samples" in note for note in result.notes)


def test_several_files_add_up(write: Callable[[str, str], Path]) -> None:
    first = write("1.jtl", f"{HEADER_5}\n{_row5(0, 10, 'GET /a')}\n")
    second = write("2.jtl", XML)
    assert JtlImporter().read([first, second], "s", "performance").metrics["requests"] == 4


@pytest.mark.parametrize(
    ("name", "content", "where", "reason"),
    [
        ("short.jtl", f"{HEADER_5}\n{_row5(0, 10, 'GET /a')}\n{T0},12,GET /a,20", ":3:", "row has 4 columns"),
        ("bad.jtl", f"{HEADER_5}\n{_row5(0, 10, 'GET /a').replace(',10,', ',ten,', 1)}\n", ":2:", "could not convert"),
        ("nohead.jtl", f"{T0},10,GET /a,true\n", ":1:", "no header"),
        ("cols.jtl", "label,elapsed\nGET /a,10\n", ":1:", "no timeStamp, success column"),
        ("stamp.jtl", "timeStamp,elapsed,label,success\nyesterday,10,GET /a,true\n", ":2:", "neither epoch"),
        ("cut.xml", XML[: XML.index("<sample ")] + '<httpSample t="1', ":8:", "malformed XML"),
        ("root.xml", "<?xml version='1.0'?>\n<results/>", ":2:", "expected <testResults>"),
        ("dtd.xml", '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "x">]>\n<testResults/>', ":2:", "refused"),
        ("empty.jtl", "", ":1:", "empty file"),
    ],
)
def test_malformed_files_name_file_and_line(
    write: Callable[[str, str], Path], name: str, content: str, where: str, reason: str
) -> None:
    path = write(name, content)
    with pytest.raises(ImportFormatError) as caught:
        _read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}{where}"), message
    assert reason in message
