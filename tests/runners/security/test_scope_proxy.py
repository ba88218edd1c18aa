"""The scope proxy with real HTTP clients and servers on loopback (127.0.0.2 plays the outside host)."""

from __future__ import annotations

import socket

import pytest
import requests

from harness.profile.scope import Scope
from harness.runners.security.scope_proxy import ScopeProxy, origin_of
from tests.redirector import redirecting_target

PAGES = {"/": "<a href='/gone'>gone</a>", "/logout": "bye", "/data": '{"a": 1}'}


def test_origins_spell_out_default_ports() -> None:
    assert origin_of("http://Example.org/x") == "http://example.org:80"
    assert origin_of("https://example.org:8443") == "https://example.org:8443"


def test_a_redirect_out_of_scope_ends_at_the_proxy_and_credentials_reach_only_the_target() -> None:
    with redirecting_target(PAGES) as site, redirecting_target({"/": "other"}) as other:
        scope = Scope(["127.0.0.1"])
        with ScopeProxy(
            scope, site.url, inject={"Authorization": "Bearer t0ken-abc"}, exclude=[".*/logout.*"]
        ) as proxy:
            proxies = {"http": proxy.url}
            session = requests.Session()
            session.proxies.update(proxies)
            followed = session.get(site.url + "/gone", timeout=10)  # 302 to 127.0.0.2, followed by the client
            assert followed.status_code == 403 and "outside target.scope" in followed.text
            assert session.get(site.url + "/logout", timeout=10).status_code == 403
            # a credential the client sends to another origin is removed; the target's is added by the proxy
            sent = session.get(other.url + "/", headers={"Authorization": "Bearer leaked"}, timeout=10)
            assert sent.status_code == 200 and sent.text == "other"
            assert session.get(site.url + "/data", timeout=10).json() == {"a": 1}
        assert site.outside.requests == [] and other.outside.requests == []
        assert not any(r.path.startswith("/logout") for r in site.front_requests)
        assert [r.headers.get("Authorization") for r in site.front_requests] == ["Bearer t0ken-abc"] * 2
        assert other.front_requests and all("Authorization" not in r.headers for r in other.front_requests)
        assert proxy.refused_count == 2 and proxy.requests == 3
        assert proxy.forwarded[origin_of(site.url)] == 2 and ("GET", site.url + "/data") in proxy.seen()


def _connect(proxy_url: str, authority: str) -> bytes:
    host, port = proxy_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
        return conn.recv(200)


@pytest.mark.parametrize(("tunnel_only_target", "other_allowed"), [(False, True), (True, False)])
def test_tunnels_go_only_where_the_scope_and_the_credentials_allow(
    tunnel_only_target: bool, other_allowed: bool
) -> None:
    with redirecting_target(PAGES) as site, redirecting_target({"/": "x"}) as other:
        with ScopeProxy(
            Scope(["127.0.0.1"]), site.url.replace("http:", "https:"), tunnel_only_target=tunnel_only_target
        ) as proxy:
            outside = site.outside.url.removeprefix("http://")
            assert _connect(proxy.url, outside).startswith(b"HTTP/1.1 403")
            target = site.url.removeprefix("http://")
            assert _connect(proxy.url, target).startswith(b"HTTP/1.1 200")
            answer = _connect(proxy.url, other.url.removeprefix("http://"))
            assert answer.startswith(b"HTTP/1.1 200" if other_allowed else b"HTTP/1.1 403")
        assert site.outside.requests == []


def test_with_a_password_only_its_client_may_use_the_proxy_and_its_credentials() -> None:
    with redirecting_target(PAGES) as site:
        with ScopeProxy(Scope(["127.0.0.1"]), site.url, inject={"X-Api-Key": "k3y-value"}, password="pw-9") as proxy:
            stranger = requests.get(site.url + "/data", proxies={"http": proxy.url}, timeout=10)
            assert stranger.status_code == 407 and "Basic" in stranger.headers["Proxy-Authenticate"]
            assert _connect(proxy.url, site.url.removeprefix("http://")).startswith(b"HTTP/1.1 407")
            wrong = requests.get(site.url + "/data", proxies={"http": proxy.url_with_password("nope")}, timeout=10)
            assert wrong.status_code == 407
            owner = requests.get(site.url + "/data", proxies={"http": proxy.url_with_password("pw-9")}, timeout=10)
            assert owner.status_code == 200
        assert [r.headers.get("X-Api-Key") for r in site.front_requests] == ["k3y-value"]
        assert proxy.requests == 1
