"""The verify page: an uploaded report is checked in a temporary folder with the server's trust anchors,
size-limited, and nothing of it is kept or written to the reports folder."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from serve.conftest import MakeClient
from serve.dashboard_data import DashboardData, tampered_copy


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The server's temporary folder, watched: uploads must leave nothing in it."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def upload(client: TestClient, data: bytes, name: str = "report.pdf", *, partial: bool = False) -> object:
    form = {"partial": "1"} if partial else {}
    return client.post("/verify", files={"report": (name, data, "application/pdf")}, data=form)


def bottom_line(response: object) -> str:
    page = lxml_html.fromstring(response.text)  # type: ignore[attr-defined]
    return " ".join(page.xpath("string(//p[@id='bottom-line'])").split())


def test_a_partly_signed_report_shows_the_table(
    client: TestClient, dashboard_data: DashboardData, private_tmp: Path
) -> None:
    before = files_under(dashboard_data.reports)
    report = (dashboard_data.reports / dashboard_data.signed_run / "report.pdf").read_bytes()
    response = upload(client, report, "报告 <b>.pdf")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert bottom_line(response).startswith(
        "FAILED (2 of 3 parties signed): the business party has not signed this file: either it has not signed yet"
    )
    page = lxml_html.fromstring(response.text)  # type: ignore[attr-defined]
    assert page.xpath("//table[@class='verify']/thead/tr/th/text()") == ["project", "business", "supervision"]
    intact = page.xpath("//table[@class='verify']//tr[th='intact']/td/text()")
    assert intact == ["yes", "—", "yes"]
    assert "报告 &lt;b&gt;.pdf" in response.text and "<b>.pdf" not in response.text  # type: ignore[attr-defined]
    assert files_under(dashboard_data.reports) == before and files_under(private_tmp) == set()


def test_partial_checks_only_the_signatures_present(client: TestClient, dashboard_data: DashboardData) -> None:
    report = (dashboard_data.reports / dashboard_data.signed_run / "report.pdf").read_bytes()
    line = bottom_line(upload(client, report, partial=True))
    assert line == "PARTIAL: 2 of 3 parties signed; not yet signed: business; nothing changed since"


def test_a_tampered_report_fails(
    client: TestClient, dashboard_data: DashboardData, tmp_path: Path, private_tmp: Path
) -> None:
    tampered = tampered_copy(dashboard_data.reports / dashboard_data.signed_run / "report.pdf", tmp_path / "t.pdf")
    response = upload(client, tampered.read_bytes())
    assert bottom_line(response).startswith("FAILED (2 of 3 parties signed): project: integrity broken")
    page = lxml_html.fromstring(response.text)  # type: ignore[attr-defined]
    assert page.xpath("//table[@class='verify']//tr[th='intact']/td/text()") == ["NO", "—", "NO"]
    assert files_under(private_tmp) == set()


def test_uploads_over_the_limit_are_cut_off(make_client: MakeClient, private_tmp: Path) -> None:
    client = make_client(max_upload=1024 * 1024)
    too_big = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)
    response = upload(client, too_big)
    assert response.status_code == 413 and "larger than the server accepts (1 MiB)" in response.text  # type: ignore[attr-defined]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        boundary = b'--x\r\nContent-Disposition: form-data; name="report"; filename="r.pdf"\r\n\r\n'
        yield boundary
        for _ in range(40):
            yield b"0" * 65536
        yield b"\r\n--x--\r\n"

    streamed = client.post("/verify", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert streamed.status_code == 413
    assert files_under(private_tmp) == set()


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        (b"", 400, "the uploaded file is empty"),
        (b"GIF89a not a pdf at all", 422, "report.pdf is not a readable PDF"),
    ],
)
def test_bad_uploads_say_what_is_wrong(
    client: TestClient, payload: bytes, status: int, message: str, private_tmp: Path
) -> None:
    response = upload(client, payload)
    assert response.status_code == status and message in response.text  # type: ignore[attr-defined]
    assert str(private_tmp) not in response.text  # type: ignore[attr-defined]
    assert files_under(private_tmp) == set()


def test_a_form_without_a_file(client: TestClient) -> None:
    assert client.post("/verify", data={"report": "text"}).status_code == 400
    assert client.post("/verify", content=b"%PDF", headers={"content-type": "application/pdf"}).status_code == 400


def test_the_page_lists_the_trust_anchors_or_warns(client: TestClient, make_client: MakeClient) -> None:
    assert "DEMO Acceptance Root CA" in client.get("/verify").text
    assert "no signer is trusted" in make_client(trust=()).get("/verify").text
