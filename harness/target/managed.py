"""Start the bundled demo target for a run and stop it afterwards, whatever happens."""

from __future__ import annotations

import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from harness.errors import TargetError
from harness.processes import ChildProcess


def demo_database(workdir: Path) -> Path:
    """The SQLite file of the demo started in ``workdir`` (parallel-run data checks read it)."""
    return workdir / "demo.sqlite"


@contextmanager
def demo_target(
    workdir: Path,
    weaknesses: tuple[str, ...],
    startup_timeout: float = 30.0,
    version: str = "new",
    *,
    metrics: bool = False,
    added_latency_ms: float = 0.0,
) -> Iterator[str]:
    """Serve the demo on 127.0.0.1 with a fresh SQLite database in ``workdir``; yields its base URL.

    ``version`` picks the release ("new": today's service; "old": its predecessor, see
    :data:`harness.demo.domain.VERSIONS`). The database is :func:`demo_database` of ``workdir``.
    ``metrics``: the demo also serves Prometheus metrics at ``/metrics``. ``added_latency_ms`` makes every
    API answer that much slower (a regressed release for canary suites).

    The listening socket is bound here and inherited by the server, so the port is known before the
    server starts and no other process can take it in between.

    Raises:
        TargetError: the server did not answer /health within ``startup_timeout`` seconds.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    port = listener.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    log_path = workdir / "demo-target.log"
    argv = [
        sys.executable, "-m", "harness.demo",
        "--fd", str(listener.fileno()),
        "--db", str(demo_database(workdir)),
        "--weaknesses", ",".join(weaknesses),
    ]  # fmt: skip
    if version != "new":
        argv += ["--version", version]
    if metrics:
        argv.append("--metrics")
    if added_latency_ms:
        argv += ["--added-latency-ms", f"{added_latency_ms:g}"]
    with log_path.open("wb") as log, listener:
        child = ChildProcess(argv, stdout=log, stderr=log, pass_fds=[listener.fileno()])
        listener.close()  # the child holds its own copy
        try:
            _wait_ready(base_url, child, startup_timeout, log_path)
            yield base_url
        finally:
            child.stop(grace=5.0, first_signal=signal.SIGTERM)  # uvicorn's graceful shutdown signal


def _wait_ready(base_url: str, child: ChildProcess, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.returncode is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise TargetError(f"the demo target exited with code {child.returncode} while starting:\n{tail}")
        try:
            if requests.get(f"{base_url}/health", timeout=1.0, allow_redirects=False).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TargetError(f"the demo target did not answer {base_url}/health within {timeout:.0f}s")
