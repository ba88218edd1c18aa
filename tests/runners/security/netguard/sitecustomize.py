"""Proof that a process talks to nobody but 127.0.0.1: an audit hook on every name lookup and connect.

Put this directory on PYTHONPATH and set NETGUARD_LOG to a file: every Python process started with that
environment (the harness, the demo target, wapiti in its own virtualenv) records each attempt to resolve
or connect to a host that is not loopback in the log, and the attempt fails with PermissionError, so
nothing leaves the machine even when the code under test tries. Tests assert that the log stays empty.
"""

from __future__ import annotations

import os
import sys

_LOG = os.environ.get("NETGUARD_LOG", "")
_LOOPBACK = ("localhost", "::1", "")


def _allowed(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    text = str(host)
    return text in _LOOPBACK or text.startswith(("127.", "/"))  # "/": Unix sockets


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else address
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if _allowed(host):
        return
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {sys.argv[:1]} {event} {host!r}\n")
    raise PermissionError(f"netguard: {event} {host!r} refused (tests allow only loopback)")


if _LOG:
    sys.addaudithook(_hook)
