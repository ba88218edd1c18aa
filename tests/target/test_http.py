"""The harness's own HTTP to the target stays in scope through redirects and keeps credentials home.

Real servers on loopback (tests/redirector.py): an in-scope 127.0.0.1 front whose unknown paths redirect to
a recording 127.0.0.2 server, outside a scope of [127.0.0.1].
"""

from __future__ import annotations

import base64

import pytest

from harness.errors import ScopeError, TargetError
from harness.profile.model import BasicAuth, BearerAuth, HeaderAuth, LoginAuth
from harness.profile.scope import Scope
from harness.target.connect import auth_headers, read_version
from harness.target.http import ScopedSession, same_site
from tests.redirector import redirecting_target

SECRET = "k3y-7d1e5c0a9b"
AUTHS = {
    "bearer": BearerAuth(type="bearer", token=SECRET),  # type: ignore[arg-type]
    "basic": BasicAuth(type="basic", username="qa", password=SECRET),  # type: ignore[arg-type]
    "header": HeaderAuth(type="header", name="X-Api-Key", value=SECRET),  # type: ignore[arg-type]
}
INSIDE = Scope(["127.0.0.1", "localhost"])


@pytest.mark.parametrize(
    ("kind", "status"), [("bearer", 301), ("basic", 302), ("header", 303), ("bearer", 307), ("header", 308)]
)
def test_a_redirect_outside_the_scope_is_refused_before_anything_is_sent(kind: str, status: int) -> None:
    with redirecting_target(pages={"/ok": "{}"}, status=status) as site:
        headers = auth_headers(AUTHS[kind], site.url, INSIDE, 5.0, True)
        with ScopedSession(site.url, INSIDE, 5.0, headers, True) as session:
            assert session.get("/ok").status_code == 200
            with pytest.raises(ScopeError) as refused:
                session.post("/elsewhere?token=abc", json={"a": 1})
    message = str(refused.value)
    assert message.startswith(f"refusing the redirect from {site.url}/elsewhere to {site.outside.url}/landed/elsewhere")
    assert "'127.0.0.2' is outside target.scope (127.0.0.1, localhost)" in message
    assert "token=abc" not in message  # queries may carry tokens: messages show scheme, host and path
    assert site.outside.requests == []
    assert [r.path for r in site.front_requests] == ["/ok", "/elsewhere?token=abc"]


@pytest.mark.parametrize("kind", sorted(AUTHS))
def test_credentials_never_cross_to_another_origin_even_inside_the_scope(kind: str) -> None:
    wide = Scope(["127.0.0.1", "127.0.0.2"])  # the other host is allowed, the credentials still stay home
    with redirecting_target() as site:
        headers = auth_headers(AUTHS[kind], site.url, wide, 5.0, True)
        with ScopedSession(site.url, wide, 5.0, headers, True) as session:
            session.headers["X-Trace"] = "kept"  # a header of the test's own, not a credential
            session.cookies.set("sid", SECRET, domain="127.0.0.1")
            assert session.get("/moved").status_code == 200
            assert session.get(f"{site.outside.url}/direct").status_code == 200
    assert [r.path for r in site.outside.requests] == ["/landed/moved", "/direct"]
    for request in site.outside.requests:
        sent = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
        assert SECRET not in sent and base64.b64encode(f"qa:{SECRET}".encode()).decode() not in sent
        assert "Authorization" not in request.headers and "X-Api-Key" not in request.headers
    assert site.outside.received_header("X-Trace") == ["kept", "kept"]  # only credentials are removed
    assert SECRET in site.front_requests[0].headers.get("Cookie", "") + str(site.front_requests[0].headers)


def test_same_site_follows_requests_own_rule() -> None:
    assert same_site("http://127.0.0.1:8000/", "http://127.0.0.1:8000/x")
    assert same_site("http://example.org/", "https://example.org/x")  # the upgrade on default ports
    assert not same_site("http://127.0.0.1:8000/", "http://127.0.0.1:8001/x")
    assert not same_site("https://example.org/", "http://example.org/x")
    assert not same_site("http://127.0.0.1:8000/", "http://localhost:8000/x")


def test_the_login_and_the_version_probe_do_not_follow_a_redirect_outside() -> None:
    with redirecting_target(pages={"/health": "ok"}) as site:
        login = LoginAuth(type="login", url="/api/auth/token", username="qa", password=SECRET)  # type: ignore[arg-type]
        with pytest.raises(TargetError) as failed:
            auth_headers(login, site.url, INSIDE, 5.0, True)
        version = read_version(site.url, "/version", {"X-Api-Key": SECRET}, INSIDE, 5.0, True)
    assert "login at" in str(failed.value) and "refusing the redirect" in str(failed.value)
    assert "'127.0.0.2' is outside target.scope" in str(failed.value)
    assert SECRET not in str(failed.value)
    assert version == ""
    assert site.outside.requests == []
    assert [r.path for r in site.front_requests] == ["/api/auth/token", "/version"]


def test_a_login_url_outside_the_scope_is_refused_unsent() -> None:
    with redirecting_target() as site:
        login = LoginAuth(type="login", url=f"{site.outside.url}/token", username="qa", password=SECRET)  # type: ignore[arg-type]
        with pytest.raises(ScopeError, match=r"outside target\.scope"):
            auth_headers(login, site.url, INSIDE, 5.0, True)
    assert site.outside.requests == []
