"""Encodings of CSV/text result files: detected (GBK, UTF-8/16 with or without BOM), named in a note, and
truncated multi-byte text called truncated."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.encoding import decode_error, detect, ends_mid_character, open_text
from harness.results.importers.jtl import DEFAULT_COLUMN_SETS, JtlImporter
from harness.results.importers.locust_csv import LocustCsvImporter

DATA = Path(__file__).resolve().parents[2] / "data"
TEXT = "Type,Name,Request Count\r\nGET,get接口,12\r\nPOST,提交审批接口,3\r\n"


@pytest.mark.parametrize(
    ("data", "codec", "declared", "noted"),
    [
        (TEXT.encode("gbk"), "gb18030", False, "GB18030"),
        (TEXT.encode("gb18030"), "gb18030", False, "GB18030"),
        (TEXT.encode("utf-8"), "utf-8", False, ""),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig", True, ""),
        (TEXT.encode("utf-16"), "utf-16", True, ""),  # with its byte-order mark
        (TEXT.encode("utf-16-le"), "utf-16-le", False, "UTF-16LE"),
        (TEXT.encode("utf-16-be"), "utf-16-be", False, "UTF-16BE"),
        (b"Type,Name\r\nGET,/plain/ascii\r\n", "utf-8", False, ""),
    ],
    ids=["gbk", "gb18030", "utf-8", "utf-8-bom", "utf-16-bom", "utf-16le", "utf-16be", "ascii"],
)
def test_detected_encodings_read_the_text_back(
    tmp_path: Path, data: bytes, codec: str, declared: bool, noted: str
) -> None:
    path = tmp_path / "stats.csv"
    path.write_bytes(data)
    encoding = detect(path)
    assert (encoding.codec, encoding.declared) == (codec, declared)
    handle, _ = open_text(path)
    with handle:
        assert handle.read().lstrip("\ufeff") == data.decode(codec).lstrip("\ufeff")
    note = encoding.note(path)
    assert (note is not None and noted in note) if noted else note is None


def test_gbk_locust_csv_keeps_its_chinese_endpoint_names_and_says_how_it_was_read() -> None:
    result = LocustCsvImporter().read([DATA / "locust" / "gbk"], "perf", "performance")  # a directory
    names = [e.name for e in result.endpoints]
    assert names == ["GET get接口", "POST 提交审批接口"]
    assert result.failures[0].message.endswith("内部错误')") and result.failures[0].occurrences == 2
    notes = " ".join(map(str, result.notes))
    assert "permit_stats.csv: declares no encoding" in notes and "GB18030" in notes
    assert "README.txt" in notes  # skipped: not a Locust CSV


def test_utf8_cut_in_the_middle_of_a_character_is_called_truncated(tmp_path: Path) -> None:
    whole = (DATA / "locust" / "gbk" / "permit_stats.csv").read_bytes().decode("gbk").encode("utf-8")
    path = tmp_path / "cut_stats.csv"
    path.write_bytes(whole[: whole.index("审".encode()) + 2])  # two of the character's three bytes
    assert ends_mid_character(path)
    with pytest.raises(ImportFormatError, match=r"cut_stats\.csv:3: truncated: the file ends in the middle of a UTF-8"):
        LocustCsvImporter().read([path], "perf", "performance")


def test_gbk_cut_in_the_middle_of_a_character_is_called_truncated(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(TEXT.encode("gbk")[:-5])  # ends inside 口
    encoding = detect(path)
    handle, _ = open_text(path)
    with handle, pytest.raises(UnicodeDecodeError) as raised:
        handle.read()
    assert "truncated" in str(decode_error(path, 3, encoding, raised.value))


def test_invalid_bytes_in_a_detected_encoding_are_not_called_truncated(tmp_path: Path) -> None:
    good = (DATA / "locust" / "gbk" / "permit_stats.csv").read_bytes().decode("gbk").encode("utf-8")
    path = tmp_path / "damaged_stats.csv"
    path.write_bytes(b"\xef\xbb\xbf" + good.replace("提交".encode(), b"\xff\xfe"))  # declared UTF-8, damaged
    with pytest.raises(ImportFormatError) as raised:
        LocustCsvImporter().read([path], "perf", "performance")
    where, _, reason = str(raised.value).partition(": ")
    assert where.endswith("damaged_stats.csv:3") and reason.startswith("bytes that are not valid UTF-8")
    assert "truncated" not in reason


def test_gbk_jtl_labels_are_read_with_a_note(tmp_path: Path) -> None:
    header = ",".join(DEFAULT_COLUMN_SETS[0])
    row = "1700000000000,42,查询办理进度,200,OK,线程组 1-1,text,true,,512,120,4,4,http://127.0.0.1/x,41,0,2"
    path = tmp_path / "results.jtl"
    path.write_bytes(f"{header}\r\n{row}\r\n{row}\r\n".encode("gbk"))
    result = JtlImporter().read([path], "jmeter", "performance")
    assert [e.name for e in result.endpoints] == ["查询办理进度"]
    assert any("results.jtl: declares no encoding" in n and "GB18030" in n for n in result.notes)
