"""The profile's declared scope: the only hosts the harness may send requests, load or scans to."""

from __future__ import annotations

import fnmatch
import ipaddress
from urllib.parse import urlsplit

from harness.errors import ScopeError


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

    def check_url(self, url: str) -> None:
        """Raise :class:`ScopeError` unless ``url`` is an http(s) URL whose host is in scope."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ScopeError(f"refusing {url!r}: only http and https URLs are allowed")
        if not self.allows_host(parts.hostname or ""):
            raise ScopeError(
                f"refusing to contact {parts.hostname!r}: it is outside target.scope ({', '.join(self.entries)})"
            )

    def __repr__(self) -> str:
        return f"Scope({self.entries!r})"
