"""Who may reach the dashboard: the bind policy, the credentials check and the host check."""

from __future__ import annotations

import base64

import pytest

from harness.errors import ServeError
from harness.serve.access import Credentials, check_bind, host_allowed, host_of, is_loopback

TOKEN = "a-token-of-at-least-16-chars"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST", "ip6-localhost"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.org", "myhost", "", "127.0.0.1.nip.io"]
)
def test_anything_else_is_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_binding_beyond_loopback_needs_credentials() -> None:
    check_bind("127.0.0.1", Credentials())
    check_bind("0.0.0.0", Credentials.of(TOKEN, None, None))
    check_bind("0.0.0.0", Credentials.of(None, "zhao", "a-password-of-16+chars"))
    with pytest.raises(ServeError) as refused:
        check_bind("0.0.0.0", Credentials())
    assert str(refused.value) == (
        "refusing to listen on 0.0.0.0 without credentials: set HARNESS_SERVE_TOKEN (or HARNESS_SERVE_USER and "
        "HARNESS_SERVE_PASSWORD) in the environment, or listen on 127.0.0.1"
    )
    with pytest.raises(ServeError):
        check_bind("my-laptop.local", Credentials())


@pytest.mark.parametrize(
    ("token", "user", "password", "message"),
    [
        ("short", None, None, "HARNESS_SERVE_TOKEN is too short (5 characters): use at least 16"),
        (None, "zhao", None, "HARNESS_SERVE_USER is set but HARNESS_SERVE_PASSWORD is not"),
        (None, None, "pw", "HARNESS_SERVE_PASSWORD is too short (2 characters)"),
    ],
)
def test_weak_or_half_credentials_are_refused(
    token: str | None, user: str | None, password: str | None, message: str
) -> None:
    with pytest.raises(ServeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Credentials.of(token, user, password)


def test_a_token_as_bearer_or_as_basic_password() -> None:
    credentials = Credentials.of(TOKEN, None, None)
    assert credentials.accepts(f"Bearer {TOKEN}") and credentials.accepts(f"bearer  {TOKEN} ")
    assert credentials.accepts(basic("anyone", TOKEN))
    for header in (None, "", f"Bearer {TOKEN}x", "Bearer", basic("anyone", "wrong"), "Basic !!!notbase64",
                   "Basic " + base64.b64encode(TOKEN.encode()).decode(), f"Token {TOKEN}",
                   "Basic " + base64.b64encode(b"\xff\xfe:x").decode()):  # fmt: skip
        assert not credentials.accepts(header), header


def test_a_user_and_password() -> None:
    credentials = Credentials.of(None, "赵强", "a-password-of-16+chars")
    assert credentials.accepts(basic("赵强", "a-password-of-16+chars"))
    assert not credentials.accepts(basic("刘芳", "a-password-of-16+chars"))
    assert not credentials.accepts(basic("赵强", "wrong-password-of-16chars"))
    assert not credentials.accepts("Bearer a-password-of-16+chars")  # a password is not a token


def test_no_credentials_accept_everything_and_secrets_never_print() -> None:
    assert Credentials().accepts(None) and not Credentials().required
    shown = repr(Credentials.of(TOKEN, "zhao", "a-password-of-16+chars"))
    assert TOKEN not in shown and "a-password" not in shown


@pytest.mark.parametrize(
    ("header", "host"),
    [("127.0.0.1:8765", "127.0.0.1"), ("localhost", "localhost"), ("[::1]:8765", "::1"), ("[::1]", "::1"),
     ("example.org:80", "example.org")],
)  # fmt: skip
def test_host_of(header: str, host: str) -> None:
    assert host_of(header) == host


def test_without_credentials_only_loopback_hosts_are_answered() -> None:
    open_ = Credentials()
    assert host_allowed("127.0.0.1:8765", "127.0.0.1", open_) and host_allowed("localhost:1", "127.0.0.1", open_)
    assert not host_allowed("evil.example", "127.0.0.1", open_) and not host_allowed(None, "127.0.0.1", open_)
    assert host_allowed("evil.example", "0.0.0.0", Credentials.of(TOKEN, None, None))
