"""A real Prometheus (Debian's /usr/bin/prometheus) scraping a real demo target that serves /metrics, for the
monitoring tests — written apart from the harness's own local Prometheus (harness/runners/monitoring/local.py),
so the `url:` mode is tested against a server the code under test did not start.

- ``metrics_demo``  the demo target with ``--metrics`` on 127.0.0.1, one per test session (per xdist worker)
- ``prometheus``    Prometheus on 127.0.0.1 and a free port, its own temporary storage, a generated
                    prometheus.yml scraping the demo every second; ready once ``/-/ready`` answers and the
                    demo was scraped (both polled with a bound); stopped and its storage removed at the end.
                    It runs as a :class:`~harness.processes.ChildProcess`: the kernel's parent-death signal
                    stops it if the test process is killed. Skipped, saying why, where the binary is missing.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from harness.processes import ChildProcess
from harness.target.managed import demo_target

START_TIMEOUT = 60.0
JOB = "demo"


@dataclass(frozen=True)
class PrometheusServer:
    url: str
    target_url: str
    root: Path

    def query(self, promql: str, at: float | None = None) -> Any:
        params = {"query": promql} | ({"time": f"{at:.3f}"} if at is not None else {})
        answer = requests.get(f"{self.url}/api/v1/query", params=params, timeout=10).json()
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def last_scrape(self) -> float:
        """Unix time of the latest scrape of the demo (0 when none yet)."""
        result = self.query(f'timestamp(up{{job="{JOB}"}})')
        return float(result[0]["value"][1]) if result else 0.0

    def wait_for_scrape_after(self, moment: float, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.last_scrape() > moment:
                return
            time.sleep(0.05)
        raise AssertionError(f"Prometheus did not scrape the demo after {moment} within {timeout} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def metrics_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_target(tmp_path_factory.mktemp("metrics-demo"), (), metrics=True) as url:
        yield url


@pytest.fixture(scope="session")
def prometheus(metrics_demo: str) -> Iterator[PrometheusServer]:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus not installed: install Debian's prometheus package (`make setup` does as root)")
    root = Path(tempfile.mkdtemp(prefix="harness-test-prometheus-"))
    host = urlsplit(metrics_demo).netloc
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [{"job_name": JOB, "scrape_timeout": "1s", "static_configs": [{"targets": [host]}]}],
    }
    (root / "prometheus.yml").write_text(json.dumps(config))
    child: ChildProcess | None = None
    try:
        for _attempt in range(5):  # another process may take the port between the probe and Prometheus's bind
            port = _free_port()
            with (root / "prometheus.log").open("ab") as log:
                child = ChildProcess(
                    [binary, f"--config.file={root / 'prometheus.yml'}", f"--storage.tsdb.path={root / 'data'}",
                     f"--web.listen-address=127.0.0.1:{port}"],
                    cwd=root, stdout=log, stderr=log,
                )  # fmt: skip
            server = PrometheusServer(f"http://127.0.0.1:{port}", metrics_demo, root)
            if _wait_ready(server, child):
                server.wait_for_scrape_after(0.0, START_TIMEOUT)
                yield server
                return
            child.stop(grace=3.0, first_signal=signal.SIGTERM)
            child = None
        raise RuntimeError(f"Prometheus did not start: {(root / 'prometheus.log').read_text(errors='replace')[-2000:]}")
    finally:
        if child is not None:
            child.stop(grace=5.0, first_signal=signal.SIGTERM)
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: PrometheusServer, child: ChildProcess) -> bool:
    """True once /-/ready answers 200; False when Prometheus exited (e.g. its port was taken)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if child.returncode is not None:
            return False
        try:
            if requests.get(f"{server.url}/-/ready", timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"Prometheus not ready after {START_TIMEOUT:.0f} s")
