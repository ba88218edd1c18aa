"""The demo target's deliberate weaknesses are real, each one can be switched off, and the documentation,
the demo's rule file and the scanners' rules agree on them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.demo.weaknesses import DETECTED_BY, FOUND_BY_ACCESS_CONTROL, WEAKNESSES
from harness.results.model import RuleAction
from harness.runners.security.rules import parse_rules_file
from harness.target.managed import demo_target

FEEDBACK = {"category": "suggestion", "content": "请增加夜间办理时段 / please open in the evenings", "contact": ""}


@pytest.fixture(scope="module")
def hardened_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_target(tmp_path_factory.mktemp("hardened"), ()) as url:
        yield url


def login(url: str) -> requests.Response:
    return requests.post(f"{url}/api/auth/token", json={"username": "zhangsan", "password": "demo-applicant-pw"})


@pytest.mark.slow
def test_every_weakness_is_present_by_default(demo_url: str) -> None:
    page = requests.get(f"{demo_url}/portal/search", params={"q": "<script>alert(1)</script>"})
    assert "<b><script>alert(1)</script></b>" in page.text
    assert "X-Content-Type-Options" not in page.headers
    assert page.headers["server"] == "uvicorn"
    assert page.headers["X-Powered-By"].startswith("permit-service/")
    cookie = login(demo_url).headers["set-cookie"]
    assert "HttpOnly" not in cookie
    portal_cookie = requests.get(demo_url).headers["set-cookie"]
    assert portal_cookie.startswith("portal_session=") and "HttpOnly" not in portal_cookie
    assert "SameSite" not in portal_cookie
    # the feedback form has no anti-CSRF token, and a POST from anywhere (no session, no token) is taken
    form = requests.get(f"{demo_url}/portal/feedback")
    assert 'method="post"' in form.text and "csrf_token" not in form.text
    forged = requests.post(f"{demo_url}/portal/feedback", data=FEEDBACK, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 200 and re.search(r"FK-\d{6}", forged.text)
    assert set(WEAKNESSES) == {
        "missing-security-headers", "cookie-flags", "server-banner", "missing-csrf-token", "reflected-xss",
        "idor-application",
    }  # fmt: skip


@pytest.mark.slow
def test_a_hardened_demo_has_none_of_them(hardened_url: str) -> None:
    page = requests.get(f"{hardened_url}/portal/search", params={"q": "<script>alert(1)</script>"})
    assert "&lt;script&gt;" in page.text
    assert "<script>" not in page.text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    assert "server" not in page.headers
    assert "X-Powered-By" not in page.headers
    cookie = login(hardened_url).headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


@pytest.mark.slow
def test_a_hardened_feedback_form_checks_its_per_session_token(hardened_url: str) -> None:
    visitor = requests.Session()
    form = visitor.get(f"{hardened_url}/portal/feedback")
    session_cookie = form.headers["set-cookie"]
    assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', form.text)
    assert token, form.text
    # the visitor's own form goes through, with the same token as often as they like (per session)
    for _ in range(2):
        sent = visitor.post(f"{hardened_url}/portal/feedback", data={**FEEDBACK, "csrf_token": token.group(1)})
        assert sent.status_code == 200 and re.search(r"FK-\d{6}", sent.text)
    # a forged POST: no token, a wrong one, or the visitor's token without the visitor's session
    assert visitor.post(f"{hardened_url}/portal/feedback", data=FEEDBACK).status_code == 403
    wrong = {**FEEDBACK, "csrf_token": "0" * 64}
    assert visitor.post(f"{hardened_url}/portal/feedback", data=wrong).status_code == 403
    stolen = {**FEEDBACK, "csrf_token": token.group(1)}
    assert requests.post(f"{hardened_url}/portal/feedback", data=stolen).status_code == 403
    other = requests.Session()
    other.get(f"{hardened_url}/portal/feedback")
    assert other.post(f"{hardened_url}/portal/feedback", data=stolen).status_code == 403
    non_ascii = {**FEEDBACK, "csrf_token": "令牌"}
    assert visitor.post(f"{hardened_url}/portal/feedback", data=non_ascii).status_code == 403


@pytest.mark.slow
def test_the_feedback_form_validates_its_fields(demo_url: str) -> None:
    assert requests.post(f"{demo_url}/portal/feedback", data={**FEEDBACK, "category": "x"}).status_code == 422
    assert requests.post(f"{demo_url}/portal/feedback", data={**FEEDBACK, "content": ""}).status_code == 422
    assert requests.post(f"{demo_url}/portal/feedback", data={"category": "complaint"}).status_code == 422


def test_every_weakness_names_the_scanner_rules_that_find_it() -> None:
    """Scanners find all but the IDOR, which only an access-control matrix finds (two applicants' views)."""
    assert set(DETECTED_BY) | set(FOUND_BY_ACCESS_CONTROL) == set(WEAKNESSES)
    assert not set(DETECTED_BY) & set(FOUND_BY_ACCESS_CONTROL)
    assert all(rule.startswith("access:") for rule in FOUND_BY_ACCESS_CONTROL.values())
    for name, detection in DETECTED_BY.items():
        assert detection.zap and all(rule.isdigit() for rule in detection.zap), name
        assert detection.wapiti and all(rule.startswith("wapiti:") for rule in detection.wapiti), name


def test_the_documentation_lists_each_weakness_with_its_rules(repo: Path) -> None:
    rows = {
        match.group(1): line
        for line in (repo / "docs/demo-target.md").read_text(encoding="utf-8").splitlines()
        if (match := re.match(r"^\| `([a-z-]+)` \|", line))
    }
    assert set(rows) == set(WEAKNESSES)
    for name, detection in DETECTED_BY.items():
        for rule in (*detection.zap, *detection.wapiti):
            assert rule.removeprefix("wapiti:") in rows[name], (name, rule)
    for name, rule in FOUND_BY_ACCESS_CONTROL.items():
        assert rule in rows[name], (name, rule)


def test_the_demo_rule_file_warns_about_every_known_weakness(repo: Path) -> None:
    """The demo shows its weaknesses without failing the run: each of their rules is listed as WARN."""
    rules = parse_rules_file(repo / "profiles/security-rules.tsv")
    for name, detection in DETECTED_BY.items():
        for rule in (*detection.zap, *detection.wapiti):
            assert rules.actions.get(rule) is RuleAction.WARN, (name, rule)


@pytest.mark.slow
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


def _submitted_application(url: str, username: str) -> int:
    """An application ``username`` filed and submitted (officers see it from then on)."""
    session = requests.Session()
    token = session.post(f"{url}/api/auth/token", json={"username": username, "password": "demo-applicant-pw"})
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    payload = {
        "permit_type": "business_license", "applicant_name": "李四", "id_number": "11010519491231002X",
        "phone": "13800138000", "address": "某市某区人民路 1 号",
    }  # fmt: skip
    created = session.post(f"{url}/api/applications", json=payload)
    assert created.status_code == 201, created.text
    number = int(created.json()["id"])
    assert session.post(f"{url}/api/applications/{number}/transitions", json={"action": "submit"}).status_code == 200
    return number


@pytest.mark.slow
@pytest.mark.parametrize("hardened", [False, True], ids=["weak", "hardened"])
def test_the_idor_lets_an_applicant_read_anothers_submitted_application_until_hardened(
    demo_url: str, hardened_url: str, hardened: bool
) -> None:
    url = hardened_url if hardened else demo_url
    lisis = _submitted_application(url, "lisi")
    zhangsan = {"Authorization": f"Bearer {login(url).json()['access_token']}"}
    answer = requests.get(f"{url}/api/applications/{lisis}", headers=zhangsan)
    if hardened:
        assert answer.status_code == 404
    else:
        assert answer.status_code == 200 and answer.json()["owner"] == "lisi"
    # the rest of the API still checks the owner, weakness or not
    assert requests.get(f"{url}/api/applications/{lisis}/history", headers=zhangsan).status_code == 404
    listed = requests.get(f"{url}/api/applications", headers=zhangsan, params={"page_size": 100}).json()
    assert lisis not in [item["id"] for item in listed["items"]]


@pytest.mark.slow
def test_only_the_administrator_lists_the_accounts(demo_url: str) -> None:
    def as_user(username: str, password: str) -> dict[str, str]:
        token = requests.post(f"{demo_url}/api/auth/token", json={"username": username, "password": password})
        assert token.status_code == 200 and token.json()["role"] in ("applicant", "officer", "admin")
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    admin = requests.get(f"{demo_url}/api/admin/users", headers=as_user("admin", "demo-admin-pw"))
    assert admin.status_code == 200
    assert {(u["username"], u["role"]) for u in admin.json()} >= {("admin", "admin"), ("officer", "officer")}
    assert "password" not in admin.text and "salt" not in admin.text
    assert requests.get(f"{demo_url}/api/admin/users", headers=as_user("officer", "demo-officer-pw")).status_code == 403
    assert (
        requests.get(f"{demo_url}/api/admin/users", headers=as_user("zhangsan", "demo-applicant-pw")).status_code == 403
    )
    assert requests.get(f"{demo_url}/api/admin/users").status_code == 401
