"""Is the target there at all: a TCP connection to its host and port, before any HTTP (no HTTP client
loaded, so runners and the pipeline can ask cheaply)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from harness.profile.scope import shown


def unreachable_reason(base_url: str, timeout: float) -> str:
    """Why a TCP connection to the target's host and port fails, or "" when it succeeds."""
    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return ""
    except OSError as exc:
        return f"{shown(base_url)} is unreachable: {exc.strerror or exc}"
