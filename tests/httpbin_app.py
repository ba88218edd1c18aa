"""httpbin (Debian's python3-httpbin, installed by scripts/setup.sh): a real web application nobody here
wrote, served by werkzeug under the system Python on a free 127.0.0.1 port for the tests that scan it.

It has an open redirect (``/redirect-to?url=``), endpoints that answer some injected input with 500 (wapiti
rates that high), and endpoints that make a client wait or download without end (``/delay``, ``/drip``,
``/stream``), which scan profiles must ``exclude``.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.processes import ChildProcess

SYSTEM_PYTHON = "/usr/bin/python3"
SERVE = (
    "import sys\nfrom werkzeug.serving import run_simple\nfrom httpbin import app\n"
    "run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=True)"
)
EXCLUDE_ENDLESS = r"['.*/(delay|stream|stream-bytes|range|bytes|links|drip)(/.*)?([?].*)?$']"
"""A scan profile's ``exclude`` for httpbin's endpoints that stall or stream without end."""


def _installed() -> bool:
    try:
        return subprocess.run([SYSTEM_PYTHON, "-c", "import httpbin"], capture_output=True, timeout=60).returncode == 0
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def httpbin_server(log_dir: Path) -> Iterator[str]:
    """httpbin on a free loopback port for the length of the block; yields its base URL."""
    if not _installed():
        pytest.fail("python3-httpbin is not installed: run make setup as root (scripts/setup.sh installs it)")
    port = _free_port()
    log_path = log_dir / "httpbin.log"
    with (
        log_path.open("wb") as log,
        ChildProcess([SYSTEM_PYTHON, "-c", SERVE, str(port)], stdout=log, stderr=subprocess.STDOUT) as server,
    ):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.returncode is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)  # polling the port: the event we wait for
        else:
            pytest.fail("httpbin did not start: " + log_path.read_text(errors="replace"))
        yield f"http://127.0.0.1:{port}"
