"""Locust CSV files made elsewhere (current and pre-1.0 column names) -> performance results."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.locust_csv import LocustCsvImporter, classify

PERCENTILES = "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
STATS = f"""Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,{PERCENTILES}
GET,/api/items,90,3,12,15.5,2.1,210.4,500,9.0,0.3,12,14,16,18,30,41,80,120,210,210,210
POST,/api/items,10,0,40,45.0,20.0,95.0,300,1.0,0.0,40,42,44,50,60,95,95,95,95,95,95
,Aggregated,100,3,13,18.45,2.1,210.4,480,10.0,0.3,13,15,17,20,35,50,90,130,210,210,210
"""
HISTORY = f"""Timestamp,User Count,Type,Name,Requests/s,Failures/s,{PERCENTILES},Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1700000000,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0,0,0,0
1700000001,5,,Aggregated,0.000000,0.000000,0,0,0,0,0,0,0,0,0,0,0,10,0,12,14,2,50,480
1700000002,10,GET,/api/items,8.0,0.5,12,14,16,18,30,41,80,120,210,210,210,40,2,12,15,2,210,500
1700000002,10,,Aggregated,9.000000,0.500000,13,15,17,20,35,50,90,130,210,210,210,45,2,13,18,2,210,480
1700000003,10,,Aggregated,10.000000,0.300000,13,15,17,20,35,52,90,130,210,210,210,100,3,13,18,2,210,480
1700000004,0,,Aggregated,10.000000,0.300000,13,15,17,20,35,52,90,130,210,210,210,100,3,13,18,2,210,480
"""
FAILURES = """Method,Name,Error,Occurrences,First Seen,Last Seen
GET,/api/items,HTTPError('500 Server Error: Internal Server Error'),2,,
POST,/api/items,HTTPError('500 Server Error: Internal Server Error'),1,,
GET,/api/items,ConnectionResetError(104),1,,
"""
EXCEPTIONS = """Count,Message,Traceback,Nodes
2,KeyError('id'),"Traceback (most recent call last):
  File ""locustfile.py"", line 12, in task
KeyError: 'id'",local
"""


def _write(directory: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, content in files.items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


def test_current_locust_csv_files(tmp_path: Path) -> None:
    files = _write(
        tmp_path,
        {
            "run_stats.csv": STATS,
            "run_stats_history.csv": HISTORY,
            "run_failures.csv": FAILURES,
            "run_exceptions.csv": EXCEPTIONS,
        },
    )
    result = LocustCsvImporter().read(files, "perf", "performance")
    metrics = result.metrics
    assert (metrics["requests"], metrics["failures"], metrics["rps"]) == (100, 3, 10.0)
    assert metrics["p95"] == 0.05 and metrics["avg"] == pytest.approx(0.01845) and metrics["users"] == 10
    assert metrics["exceptions"] == 2
    endpoint = {e.name: e.metrics for e in result.endpoints}["GET /api/items"]
    assert endpoint["p99"] == 0.12 and endpoint["error_rate"] == pytest.approx(3 / 90)
    # history: leading idle rows dropped, trailing zero-user rows dropped, unknown (0) percentiles left out
    assert [p.t for p in result.timeseries] == [0.0, 1.0, 2.0]
    assert "p95" not in result.timeseries[0].values and result.timeseries[2].values["p95"] == 0.052
    assert result.failures[0].message.startswith("HTTPError") and result.failures[0].occurrences == 3
    assert result.failures[0].endpoints == ("GET /api/items", "POST /api/items")
    assert result.failures[-1].message == "exception: KeyError('id')" and "KeyError" in result.failures[-1].traceback


OLD_STATS = """"Method","Name","# requests","# failures","Median response time","Average response time","Min response time","Max response time","Average Content Size","Requests/s"
"GET","/","40","1","20","25","5","130","1000","4.00"
"None","Total","40","1","20","25","5","130","1000","4.00"
"""
OLD_DISTRIBUTION = """"Name","# requests","50%","66%","75%","80%","90%","95%","98%","99%","100%"
"GET /","40","20","22","25","30","60","90","120","130","130"
"None Total","40","20","22","25","30","60","90","120","130","130"
"""
OLD_FAILURES = """"Method","Name","Error","Occurences"
"GET","/","HTTPError('404 Client Error')","1"
"""


def test_pre_1_0_column_names_and_distribution_file(tmp_path: Path) -> None:
    files = _write(
        tmp_path,
        {"old_requests.csv": OLD_STATS, "old_distribution.csv": OLD_DISTRIBUTION, "old_failures.csv": OLD_FAILURES},
    )
    result = LocustCsvImporter().read(files, "perf", "performance")
    assert result.metrics["requests"] == 40 and result.metrics["p95"] == 0.09
    assert {e.name: e.metrics["p90"] for e in result.endpoints} == {"GET /": 0.06}
    assert result.failures[0].occurrences == 1


def test_files_are_recognised_by_header_when_renamed(tmp_path: Path) -> None:
    files = _write(tmp_path, {"a.csv": STATS, "b.csv": HISTORY, "c.csv": FAILURES, "d.csv": EXCEPTIONS})
    assert set(classify(files)) == {"stats", "history", "failures", "exceptions"}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"x_stats.csv": STATS.replace("\n,Aggregated", "\n,Whatever")}, ":1: no 'Aggregated' row"),
        ({"x_stats.csv": STATS.rsplit(",", 6)[0]}, ":4: row has 16 columns"),
        ({"x_stats.csv": STATS.replace(",90,3,", ",ninety,3,")}, ":2: requests is 'ninety'"),
        ({"x_stats_history.csv": HISTORY}, "no *_stats.csv"),
        ({"x_stats.csv": STATS, "y_stats.csv": STATS}, "a second stats file"),
    ],
)
def test_bad_files_are_reported_with_file_and_line(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    with pytest.raises(ImportFormatError, match=expected.replace("*", r"\*").replace("(", r"\(")):
        LocustCsvImporter().read(_write(tmp_path, files), "perf", "performance")
