"""HTTP to the target: a ``requests`` session that stays inside the scope, redirects included.

Everything the harness itself sends (the login, the version probe) and everything the ``api`` fixture and
``target.session()`` send goes through :class:`ScopedSession`:

- every URL is checked against the scope before it is sent — the first request and every redirect hop
  (a hop outside the scope raises :class:`~harness.errors.ScopeError` naming both ends of the hop, and
  nothing is sent to it);
- the profile's credentials (the auth headers the session was created with) go only to the target's
  own origin: requests drops ``Authorization`` when a redirect changes host, but not ``X-Api-Key`` and
  friends, so the session removes every credential header from requests to any other origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.models import PreparedRequest

from harness.errors import ScopeError
from harness.profile.scope import Scope, shown

_DEFAULT_PORTS = {"http": 80, "https": 443}


def same_site(base_url: str, url: str) -> bool:
    """Whether credentials meant for ``base_url`` may go to ``url``: same scheme, host and port, or the
    http -> https upgrade on default ports — the rule requests itself applies to ``Authorization``
    (``Session.should_strip_auth``), computed without a session: Locust users call this for every request."""
    try:
        old, new = urlsplit(base_url), urlsplit(url)
        old_port, new_port = old.port, new.port
    except ValueError:
        return False
    if old.hostname != new.hostname:
        return False
    if old.scheme == "http" and old_port in (80, None) and new.scheme == "https" and new_port in (443, None):
        return True
    default = (_DEFAULT_PORTS.get(old.scheme), None)
    if old.scheme == new.scheme and old_port in default and new_port in default:
        return True
    return old.scheme == new.scheme and old_port == new_port


class ScopedSession(requests.Session):
    """A session bound to a base URL: relative paths join it, every URL and redirect hop is scope-checked,
    and the credential headers it was given never leave the target's origin."""

    def __init__(
        self, base_url: str, scope: Scope, timeout: float, headers: Mapping[str, str], verify: bool
    ) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"
        self.scope = scope
        self.default_timeout = timeout
        self.headers.update(headers)
        self.credential_headers = frozenset(name.lower() for name in headers)
        self.verify = verify

    def resolve(self, url: str | bytes) -> str:
        """``url`` joined to the base URL when it is relative."""
        text = url.decode() if isinstance(url, bytes) else str(url)
        return text if urlsplit(text).scheme else urljoin(self.base_url, text.lstrip("/"))

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        full = self.resolve(url)
        self.scope.check_url(full)
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, full, *args, **kwargs)

    def send(self, request: PreparedRequest, **kwargs: Any) -> requests.Response:
        # Every request goes through here, redirect hops too (Session.resolve_redirects calls send).
        url = request.url or ""
        self.scope.check_url(url)
        if not same_site(self.base_url, url):
            for name in list(request.headers):
                if name.lower() in self.credential_headers:
                    del request.headers[name]
        return super().send(request, **kwargs)

    def rebuild_auth(self, prepared_request: PreparedRequest, response: requests.Response) -> None:
        """Called for each redirect hop before it is sent: refuse a hop outside the scope, by name."""
        target = prepared_request.url or ""
        problem = self.scope.problem(target)
        if problem:
            response.close()
            raise ScopeError(f"refusing the redirect from {shown(response.url)} to {shown(target)}: {problem}")
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]
