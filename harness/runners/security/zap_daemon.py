"""Start a local ZAP daemon when ZAP is installed, and always stop it again.

ZAP is found as ``zap.sh`` (Linux/macOS), ``zap.bat`` or ``zap-<version>.jar`` (run with ``java -jar``) in
``zap.home``, ``$ZAP_HOME`` or on PATH. It listens on 127.0.0.1 on a free port with a fresh random API
key (handed over in a 0600 file, ``-configfile``, never on the command line); the harness waits for
the API to answer, and afterwards asks ``core/action/shutdown`` and kills the
process group if it has not gone within the grace period.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.cancel import CancelToken
from harness.errors import RunnerSetupError
from harness.processes import ChildProcess
from harness.results.messages import message
from harness.runners.security.zap_api import ZapApi, ZapError, ZapUnavailable

SCRIPTS = ("zap.sh", "zap.bat")


def find_zap(home: str | None, environ: Mapping[str, str]) -> list[str] | None:
    """The command prefix that starts ZAP, or None when no installation is found."""
    directories = [d for d in (home, environ.get("ZAP_HOME")) if d]
    for directory in directories:
        for script in SCRIPTS:
            candidate = Path(directory) / script
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return [str(candidate)]
        jars = sorted(glob.glob(str(Path(directory) / "zap-*.jar")))
        java = shutil.which("java", path=environ.get("PATH"))
        if jars and java:
            return [java, "-Xmx1g", "-jar", jars[-1]]
    for script in SCRIPTS:
        found = shutil.which(script, path=environ.get("PATH"))
        if found:
            return [found]
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Daemon:
    api_url: str
    api_key: str
    version: str


@contextmanager
def started_zap(
    command: list[str],
    log_path: Path,
    *,
    startup_timeout: float,
    cancel: CancelToken,
    environ: Mapping[str, str],
) -> Iterator[Daemon]:
    """Run ZAP as a daemon for the length of the ``with`` block.

    Raises:
        RunnerSetupError: ZAP exited or its API did not answer within ``startup_timeout`` seconds.
    """
    port = free_port()
    key = secrets.token_urlsafe(24)
    # the API key goes to ZAP in a 0600 file (-configfile), never on its command line, where any local user
    # could read it for as long as the daemon runs
    with tempfile.TemporaryDirectory(prefix="harness-zap-") as private:
        config = Path(private) / "api.properties"
        descriptor = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(f"api.key={key}\n")
        argv = [
            *command, "-daemon", "-host", "127.0.0.1", "-port", str(port),
            "-configfile", str(config),
            "-config", "api.addrs.addr.name=127.0.0.1", "-config", "api.addrs.addr.regex=false",
            "-config", "start.checkForUpdates=false",
        ]  # fmt: skip
        api_url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            child = ChildProcess(argv, env=dict(environ), stdout=log, stderr=subprocess.STDOUT)
            try:
                api = ZapApi(api_url, key, timeout=10.0)
                version = _wait_for_api(api, child, startup_timeout, cancel, log_path)
                config.unlink()  # read at start-up; gone before the scan
                yield Daemon(api_url, key, version)
            finally:
                _shutdown(api_url, key, child)


def _wait_for_api(api: ZapApi, child: ChildProcess, timeout: float, cancel: CancelToken, log_path: Path) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not cancel.cancelled:
        if child.returncode is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise RunnerSetupError(message("setup.zap.exited", code=child.returncode, log=tail))
        try:
            return str(api.call("core/view/version", lambda: api.client.core.version))
        except (ZapUnavailable, ZapError):
            time.sleep(0.5)
    raise RunnerSetupError(
        message("setup.zap.start_cancelled", url=api.url)
        if cancel.cancelled
        else message("setup.zap.no_answer", url=api.url, timeout=timeout)
    )


def _shutdown(api_url: str, key: str, child: ChildProcess, grace: float = 30.0) -> None:
    if child.returncode is None:
        try:
            api = ZapApi(api_url, key, timeout=10.0)
            api.call("core/action/shutdown", api.client.core.shutdown)
        except (ZapUnavailable, ZapError):
            pass
        child.wait(timeout=grace)
    child.stop(grace=5.0)
