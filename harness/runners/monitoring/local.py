"""A Prometheus the harness starts for a run (``prometheus: {start: local}``): /usr/bin/prometheus on
127.0.0.1 with a storage directory of its own, scraping the run's target every ``scrape_interval``.

It is started when the target is up — before the first suite, through the runner's ``companion`` hook — so
the suite later sees what the earlier suites did to the target, and stopped (its storage removed) with the
target. Started means: ``/-/ready`` answered and the first scrape of the target happened (events, polled
with a bound, never a fixed sleep). A Prometheus that cannot start is not an exception here: ``problem``
says why, and the suite that needs it becomes ``error`` with that reason.
"""

from __future__ import annotations

import json
import logging
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from harness.processes import ChildProcess
from harness.results.messages import message
from harness.results.model import Message

JOB = "target"
START_TIMEOUT = 30.0
log = logging.getLogger("harness.monitoring")


@dataclass(frozen=True)
class LocalPrometheus:
    """A started local Prometheus (``url``), or why it could not start (``problem``)."""

    url: str = ""
    scrape_url: str = ""
    config: str = ""  # prometheus.yml as written
    log_path: Path | None = None
    problem: Message | None = None
    first_scrape: str = ""  # when it first scraped the target (RFC 3339, as Prometheus reports it)


def scrape_config(target_url: str, metrics_path: str, interval: float, verify_tls: bool) -> dict[str, object]:
    """prometheus.yml for one job scraping ``target_url`` + ``metrics_path`` (JSON is valid YAML)."""
    parts = urlsplit(target_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or ""
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    prefix = parts.path.rstrip("/")
    job: dict[str, object] = {
        "job_name": JOB,
        "scheme": parts.scheme,
        "metrics_path": prefix + metrics_path,
        "scrape_interval": f"{round(interval * 1000)}ms",
        "scrape_timeout": f"{round(interval * 1000)}ms",
        "static_configs": [{"targets": [address]}],
    }
    if not verify_tls:
        job["tls_config"] = {"insecure_skip_verify": True}
    step = f"{round(interval * 1000)}ms"
    return {"global": {"scrape_interval": step, "evaluation_interval": step}, "scrape_configs": [job]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_prometheus(
    target_url: str, metrics_path: str, interval: float, binary: str, verify_tls: bool = True
) -> Iterator[LocalPrometheus]:
    """Run Prometheus scraping ``target_url`` for the length of the ``with`` block."""
    program = shutil.which(binary)
    if program is None:
        yield LocalPrometheus(problem=message("setup.monitoring.no_binary", binary=binary))
        return
    root = Path(tempfile.mkdtemp(prefix="harness-prometheus-"))
    config = json.dumps(scrape_config(target_url, metrics_path, interval, verify_tls), indent=1)
    (root / "prometheus.yml").write_text(config, encoding="utf-8")
    log_path = root / "prometheus.log"
    scrape_url = f"{target_url.rstrip('/')}{metrics_path}"
    child: ChildProcess | None = None
    try:
        problem: Message | None = None
        for _attempt in range(5):  # another process may take the free port between our probe and its bind
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            argv = [
                program,
                f"--config.file={root / 'prometheus.yml'}",
                f"--storage.tsdb.path={root / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=1d",
            ]
            with log_path.open("ab") as out:
                child = ChildProcess(argv, cwd=root, env={"PATH": "/usr/bin:/bin"}, stdout=out, stderr=out)
            problem, first = _wait_started(url, child, log_path)
            if problem is None:
                break
            child.stop(grace=3.0, first_signal=signal.SIGTERM)
            child = None
            if "address already in use" not in _tail(log_path).lower():
                break
        if problem is not None or child is None:
            yield LocalPrometheus(problem=problem or message("setup.monitoring.local_failed", reason="no attempt"))
            return
        log.info("local Prometheus %s scraping %s", url, scrape_url)
        yield LocalPrometheus(url=url, scrape_url=scrape_url, config=config, log_path=log_path, first_scrape=first)
    finally:
        if child is not None:
            child.stop(grace=5.0, first_signal=signal.SIGTERM)
        shutil.rmtree(root, ignore_errors=True)


def _wait_started(url: str, child: ChildProcess, log_path: Path) -> tuple[Message | None, str]:
    """Wait for ``/-/ready`` and then for the first scrape of the target: (None, its time) when both
    happened, else (why not, "")."""
    deadline = time.monotonic() + START_TIMEOUT
    ready = False
    while time.monotonic() < deadline:
        if child.returncode is not None:
            reason = f"exited with code {child.returncode}: {_tail(log_path)}"
            return message("setup.monitoring.local_failed", reason=reason), ""
        try:
            if not ready:
                ready = requests.get(f"{url}/-/ready", timeout=2).status_code == 200
            health = target_health(url) if ready else None
            if health is not None and health[0] != "unknown":
                return None, health[2]
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.05)
    what = "the first scrape of the target" if ready else "/-/ready"
    reason = f"no {what} within {START_TIMEOUT:.0f} s: {_tail(log_path)}"
    return message("setup.monitoring.local_failed", reason=reason), ""


def target_health(url: str) -> tuple[str, str, str] | None:
    """``(health, lastError, lastScrape)`` of the local job's target, None when Prometheus lists none."""
    answer = requests.get(f"{url}/api/v1/targets", params={"state": "active"}, timeout=5).json()
    for target in answer.get("data", {}).get("activeTargets", []):
        if target.get("labels", {}).get("job") == JOB:
            return str(target.get("health", "")), str(target.get("lastError", "")), str(target.get("lastScrape", ""))
    return None


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(lines[-3:])[-600:] if lines else ""
