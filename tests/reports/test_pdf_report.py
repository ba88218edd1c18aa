"""The PDF report as a reader sees it: text (pdftotext), fonts (pdffonts), layout (pdftotext -bbox),
signature fields and attachments (pyHanko's reader)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from sample_runs import LONG_TOKEN, SIGNATORIES, SYSTEM_SECRET, make_run, render

from harness.errors import ExportError
from harness.reports.pdf import PdfExporter
from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report
from harness.signing.evidence import embedded_files


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match
    return int(match.group(1))


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(make_run(tmp_path_factory.mktemp("zh"), language="zh-CN", cases=400, failures=260))


@pytest.fixture(scope="module")
def en_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(make_run(tmp_path_factory.mktemp("en"), language="en", cases=400, failures=260))


def test_chinese_report_has_every_section_and_page_x_of_y(zh_report: Path) -> None:
    text = pdftotext(zh_report)
    for expected in (
        "软件测试验收报告",
        "某市政务服务网行政许可申请系统",
        "目",
        "测试概要",
        "验收标准",
        "测试结果详情",
        "失败与错误的用例",
        "测试环境与工具",
        "证据清单",
        "签署页",
        "项目组",
        "业务方",
        "监理单位",
        "陈明",
        "某某工程监理有限公司",
        "不通过",
    ):
        assert expected in text, expected
    total = page_count(zh_report)
    assert f"第 1 页 / 共 {total} 页" in text
    assert f"第 {total} 页 / 共 {total} 页" in text
    assert text.count("报告编号: sample-20250101T000000-abcd") == total


def test_english_report_reads_in_english(en_report: Path) -> None:
    text = pdftotext(en_report)
    for expected in (
        "Software Acceptance Test Report",
        "Contents",
        "Summary",
        "Acceptance criteria",
        "Results by suite",
        "Environment and tools",
        "Evidence manifest",
        "Sign-off",
        "Project team",
        "Business owner",
        "Supervision unit",
        "FAIL",
    ):
        assert expected in text, expected
    assert "软件测试验收报告" not in text
    total = page_count(en_report)
    assert f"Page {total} of {total}" in text


def test_contents_lists_headings_with_their_pages(en_report: Path) -> None:
    first_pages = pdftotext(en_report, "-f", "2", "-l", "2")
    signoff = re.search(r"Sign-off[ .]*?(\d+)\s*$", first_pages, re.MULTILINE)
    assert signoff, first_pages
    assert int(signoff.group(1)) == page_count(en_report)  # the sign-off page is the last one


def test_every_font_is_embedded_as_a_subset(zh_report: Path, en_report: Path) -> None:
    for report in (zh_report, en_report):
        listing = subprocess.run(["pdffonts", str(report)], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]
        assert rows
        for row in rows:
            name, *_ = row.split()
            assert re.match(r"^[A-Z]{6}\+", name), row  # subset prefix
            emb, sub = row.split()[-5:-3]
            assert (emb, sub) == ("yes", "yes"), row


def test_long_failure_table_repeats_its_header_on_every_page(en_report: Path) -> None:
    pages = pdftotext(en_report).split("\f")
    with_failures = [p for p in pages if "test_case_00" in p and "AssertionError" in p]
    assert len(with_failures) >= 3  # 200 failures shown in full do not fit two pages
    for page in with_failures:
        assert re.search(r"^\s*Test\s+Message\s*$", page, re.MULTILINE), page[:400]


def test_no_word_leaves_the_text_frame(en_report: Path) -> None:
    """Long unbroken values (URLs, ids, digests) wrap inside their cells instead of running off the page."""
    boxes = pdftotext(en_report, "-bbox")
    right_edges = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', boxes)]
    assert right_edges
    frame_right = 595.28 - 56.69  # A4 width minus the 20 mm margin
    assert max(right_edges) <= frame_right + 1.0
    assert LONG_TOKEN[:40] in pdftotext(en_report)


def test_three_empty_signature_fields_sit_on_the_sign_off_page(zh_report: Path) -> None:
    reader = PdfFileReader(BytesIO(zh_report.read_bytes()))
    fields = {name: (value, ref.get_object()) for name, value, ref in enumerate_sig_fields(reader)}
    assert sorted(fields) == ["sig_business", "sig_project", "sig_supervision"]
    last_page = reader.root["/Pages"]["/Count"] - 1
    last_page_ref = reader.find_page_for_modification(last_page)[0]
    tops = []
    for value, field in fields.values():
        assert value is None  # empty until a party signs
        assert field.raw_get("/P").idnum == last_page_ref.idnum
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        assert 150 < x2 - x1 < 220 and 60 < y2 - y1 < 90
        tops.append(y2)
    assert len(set(tops)) == 3  # one below the other, not stacked


def test_evidence_is_attached_with_its_digest_and_matches_the_manifest(zh_report: Path) -> None:
    rundir = zh_report.parent
    manifest = {e["path"]: e for e in json.loads((rundir / "manifest.json").read_text())["files"]}
    attached = {name: (data, description) for name, data, description in embedded_files(
        PdfFileReader(BytesIO(zh_report.read_bytes())))}  # fmt: skip
    assert attached["manifest.json"][0] == (rundir / "manifest.json").read_bytes()
    for name, (data, description) in attached.items():
        digest = hashlib.sha256(data).hexdigest()
        assert f"sha256:{digest}" in description
        if name != "manifest.json":
            assert manifest[name]["sha256"] == digest
    limit = int(0.01 * 1024 * 1024)
    for path, entry in manifest.items():
        expected = entry["size"] <= limit and not path.startswith("target/")
        assert (path in attached) is expected, path
    assert {"raw/unit/junit.xml", "raw/unit/pytest.log"} <= set(attached)
    assert "harness.log" not in manifest  # still being written while the exports run: diagnostic, not evidence
    assert "raw/integration/locust_stats.csv" not in attached  # over the 0.01 MB limit: digest only
    assert "target/demo.sqlite" not in attached  # the system's own data is never embedded
    text = pdftotext(zh_report)
    assert manifest["raw/integration/locust_stats.csv"]["sha256"] in text.replace("\n", "")
    assert SYSTEM_SECRET.encode() not in zh_report.read_bytes()


def test_exporter_refuses_to_overwrite_a_signed_report(tmp_path: Path) -> None:
    rundir = make_run(tmp_path, cases=5, failures=0)
    report = render(rundir)
    keys = make_demo_keys(tmp_path / "keys", SIGNATORIES)  # certificates the report expects
    sign_report(report, party="project", key=keys["project"], password=DEMO_PASSWORD)
    signed = report.read_bytes()
    with pytest.raises(ExportError, match="is signed"):
        PdfExporter().export(rundir.read_run(), rundir)
    assert report.read_bytes() == signed
