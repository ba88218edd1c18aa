from __future__ import annotations

import pytest

from harness.errors import ScopeError
from harness.profile.scope import Scope


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1", True),
        ("LOCALHOST", True),
        ("api.staging.example.gov.cn", True),
        ("staging.example.gov.cn", False),  # the wildcard needs a sub-domain
        ("evil-staging.example.gov.cn.attacker.org", False),
        ("10.20.30.40", True),
        ("10.21.0.1", False),
        ("[::1]", False),
        ("", False),
    ],
)
def test_hosts(host: str, allowed: bool) -> None:
    scope = Scope(["127.0.0.1", "localhost", "*.staging.example.gov.cn", "10.20.0.0/16"])
    assert scope.allows_host(host) is allowed


def test_wildcards_do_not_match_ip_addresses() -> None:
    assert not Scope(["*"]).allows_host("8.8.8.8")


def test_check_url_refuses_other_schemes_and_hosts() -> None:
    scope = Scope(["127.0.0.1"])
    scope.check_url("http://127.0.0.1:8080/api?q=1")
    with pytest.raises(ScopeError, match=r"outside target\.scope"):
        scope.check_url("https://example.org/")
    with pytest.raises(ScopeError, match="only http and https"):
        scope.check_url("file:///etc/passwd")
