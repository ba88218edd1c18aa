"""Reach a target: check it answers, authenticate, read its version — all inside the declared scope,
redirects included (:mod:`harness.target.http`)."""

from __future__ import annotations

import base64
import logging
from urllib.parse import urljoin

import requests

from harness.errors import ScopeError, TargetError
from harness.profile.model import Auth, BasicAuth, BearerAuth, HeaderAuth, LoginAuth
from harness.profile.scope import Scope, shown
from harness.target.http import ScopedSession

log = logging.getLogger(__name__)


def auth_headers(auth: Auth | None, base_url: str, scope: Scope, timeout: float, verify_tls: bool) -> dict[str, str]:
    """The headers that authenticate a request; a ``login`` auth logs in once to obtain a token.

    Raises:
        TargetError: the login request failed or returned no token (the message never holds the password).
        ScopeError: the login URL is outside the scope.
    """
    if auth is None:
        return {}
    if isinstance(auth, BearerAuth):
        return {"Authorization": f"Bearer {auth.token.get_secret_value()}"}
    if isinstance(auth, HeaderAuth):
        return {auth.name: auth.value.get_secret_value()}
    if isinstance(auth, BasicAuth):
        pair = f"{auth.username}:{auth.password.get_secret_value()}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    assert isinstance(auth, LoginAuth)
    url = urljoin(base_url + "/", auth.url.lstrip("/"))
    scope.check_url(url)
    try:
        with ScopedSession(base_url, scope, timeout, {}, verify_tls) as session:
            response = session.post(
                url, json={"username": auth.username, "password": auth.password.get_secret_value()}
            )
    except ScopeError as exc:
        raise TargetError(f"login at {shown(url)} failed: {exc}") from None
    except requests.RequestException as exc:
        raise TargetError(f"login at {shown(url)} failed: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise TargetError(f"login at {shown(url)} as {auth.username!r} answered HTTP {response.status_code}")
    try:
        token = response.json()[auth.token_field]
    except (ValueError, KeyError, TypeError):
        raise TargetError(f"login at {shown(url)} returned no {auth.token_field!r} field") from None
    return {"Authorization": f"Bearer {token}"}


def read_version(
    base_url: str, path: str, headers: dict[str, str], scope: Scope, timeout: float, verify_tls: bool
) -> str:
    """The target's self-reported version from a JSON ``{"version": ...}`` or plain-text endpoint; "" if none.

    A version endpoint that redirects outside the scope is not followed (logged, and no version)."""
    try:
        with ScopedSession(base_url, scope, timeout, headers, verify_tls) as session:
            response = session.get(path.lstrip("/"))
    except ScopeError as exc:
        log.warning("version probe not followed: %s", exc)
        return ""
    except requests.RequestException:
        return ""
    if response.status_code != 200:
        return ""
    try:
        payload = response.json()
    except ValueError:
        return response.text.strip()[:64]
    return str(payload.get("version", ""))[:64] if isinstance(payload, dict) else ""
