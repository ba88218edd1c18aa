"""The profile's declared scope: the only hosts the harness may send requests, load or scans to."""

from __future__ import annotations

import fnmatch
import ipaddress
from urllib.parse import urlsplit

from harness.errors import ScopeError


def shown(url: str) -> str:
    """``url`` as messages may show it: scheme, host, port and path, without credentials or query."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
    except ValueError:
        return "(an invalid URL)"
    return f"{parts.scheme}://{netloc}{parts.path}"


class Scope:
    """Allowed hosts: exact names or addresses, ``*.example.org`` wildcards, and CIDR networks."""

    def __init__(self, entries: list[str]) -> None:
        self.entries = [entry.strip().lower() for entry in entries if entry.strip()]
        self._networks = []
        for entry in self.entries:
            if "/" in entry:
                self._networks.append(ipaddress.ip_network(entry, strict=False))

    def allows_host(self, host: str) -> bool:
        host = host.strip("[]").lower().rstrip(".")
        if not host:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        for entry in self.entries:
            if "/" in entry:
                continue
            if entry == host or ("*" in entry and address is None and fnmatch.fnmatchcase(host, entry)):
                return True
        return address is not None and any(address in network for network in self._networks)

    def problem(self, url: str) -> str:
        """Why ``url`` may not be contacted, or "" when it may (an http(s) URL whose host is in scope).
        The message names the host, never the whole URL (a query may carry a token)."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            return "it is not a valid URL"
        if parts.scheme not in ("http", "https"):
            return f"{parts.scheme or 'no'} scheme: only http and https URLs are allowed"
        if not self.allows_host(host):
            return f"{host!r} is outside target.scope ({', '.join(self.entries)})"
        return ""

    def check_url(self, url: str) -> None:
        """Raise :class:`ScopeError` unless ``url`` is an http(s) URL whose host is in scope."""
        problem = self.problem(url)
        if problem:
            host, outside, where = problem.partition(" is outside ")
            raise ScopeError(f"refusing to contact {host}: it is outside {where}" if outside else f"refusing: {problem}")

    def __repr__(self) -> str:
        return f"Scope({self.entries!r})"
