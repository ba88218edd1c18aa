"""The demo target's deliberate weaknesses are real, and each one can be switched off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.demo.weaknesses import WEAKNESSES
from harness.target.managed import demo_target

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hardened_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_target(tmp_path_factory.mktemp("hardened"), ()) as url:
        yield url


def login(url: str) -> requests.Response:
    return requests.post(f"{url}/api/auth/token", json={"username": "zhangsan", "password": "demo-applicant-pw"})


def test_every_weakness_is_present_by_default(demo_url: str) -> None:
    page = requests.get(f"{demo_url}/portal/search", params={"q": "<script>alert(1)</script>"})
    assert "<b><script>alert(1)</script></b>" in page.text
    assert "X-Content-Type-Options" not in page.headers
    assert page.headers["Access-Control-Allow-Origin"] == "*"
    assert page.headers["server"] == "uvicorn"
    assert page.headers["X-Powered-By"].startswith("permit-service/")
    cookie = login(demo_url).headers["set-cookie"]
    assert "HttpOnly" not in cookie
    assert set(WEAKNESSES) == {
        "missing-security-headers", "cookie-flags", "server-banner", "cors-wildcard", "reflected-xss",
    }  # fmt: skip


def test_a_hardened_demo_has_none_of_them(hardened_url: str) -> None:
    page = requests.get(f"{hardened_url}/portal/search", params={"q": "<script>alert(1)</script>"})
    assert "&lt;script&gt;" in page.text
    assert "<script>" not in page.text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in page.headers
    assert "server" not in page.headers
    assert "X-Powered-By" not in page.headers
    cookie = login(hardened_url).headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_the_demo_keeps_its_data_in_sqlite(tmp_path: Path) -> None:
    with demo_target(tmp_path, ()) as url:
        token = login(url).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        payload = {
            "permit_type": "business_license", "applicant_name": "张三", "id_number": "11010519491231002X",
            "phone": "13800138000", "address": "某市某区人民路 1 号",
        }  # fmt: skip
        created = requests.post(f"{url}/api/applications", json=payload, headers=headers)
        assert created.status_code == 201
    with demo_target(tmp_path, ()) as url:  # restarted on the same database file
        token = login(url).json()["access_token"]
        listed = requests.get(f"{url}/api/applications", headers={"Authorization": f"Bearer {token}"}).json()
        assert [item["id"] for item in listed["items"]] == [created.json()["id"]]
    assert (tmp_path / "demo.sqlite").is_file()
