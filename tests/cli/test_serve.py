"""``harness serve`` as a real process: it starts on loopback, demands credentials beyond it (and refuses
to start without them, with one line), and stops on Ctrl-C or SIGTERM, even a SIGTERM sent the moment it
announces its address."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from serve.dashboard_data import DashboardData, build
from serve.server import serving

from harness.cli.serve import _run_until_stopped

pytestmark = pytest.mark.slow

TOKEN = "cli-test-token-0123456789abcdef"


@pytest.fixture(scope="module")
def dashboard_data(tmp_path_factory: pytest.TempPathFactory) -> DashboardData:
    """A recorded history with run directories (serve/dashboard_data.py); read, never changed."""
    return build(tmp_path_factory.mktemp("dashboard"))


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_a_non_loopback_bind_without_credentials_is_refused(
    host: str, run_cli: Callable[..., object], dashboard_data: DashboardData
) -> None:
    result = run_cli("serve", "--reports", str(dashboard_data.reports), "--host", host, "--port", str(free_port()),
                     env={"HARNESS_SERVE_TOKEN": "", "HARNESS_SERVE_PASSWORD": ""})  # fmt: skip
    assert result.code == 2  # type: ignore[attr-defined]
    line = one_error_line(result.stderr)  # type: ignore[attr-defined]
    assert line == (
        f"error: refusing to listen on {host} without credentials: set HARNESS_SERVE_TOKEN (or HARNESS_SERVE_USER "
        "and HARNESS_SERVE_PASSWORD) in the environment, or listen on 127.0.0.1"
    )


@pytest.mark.parametrize(
    ("arguments", "env", "message"),
    [
        (["--reports", "{tmp}/nowhere"], {}, "error: --reports {tmp}/nowhere: no such folder"),
        (["--reports", "{tmp}", "--history", "{tmp}/none.sqlite"], {}, "error: no run history at {tmp}/none.sqlite yet"),
        (["--reports", "{reports}", "--host", "0.0.0.0"], {"HARNESS_SERVE_TOKEN": "short"},
         "error: HARNESS_SERVE_TOKEN is too short (5 characters)"),
        (["--reports", "{reports}", "--trust", "{tmp}/ca.pem"], {}, "error: trust anchor {tmp}/ca.pem does not exist"),
        (["--reports", "{reports}", "--history", "postgresql://u:pw@127.0.0.1:1/db?bad=x y"], {}, "error: "),
    ],
)  # fmt: skip
def test_start_problems_are_one_line_and_exit_2(
    arguments: list[str], env: dict[str, str], message: str, run_cli: Callable[..., object],
    dashboard_data: DashboardData, tmp_path: Path,
) -> None:  # fmt: skip
    def fill(text: str) -> str:
        return text.replace("{tmp}", str(tmp_path)).replace("{reports}", str(dashboard_data.reports))

    result = run_cli("serve", *map(fill, arguments), "--port", str(free_port()), env=env, timeout=120)
    assert result.code == 2, result.stderr  # type: ignore[attr-defined]
    line = one_error_line(result.stderr)  # type: ignore[attr-defined]
    assert line.startswith(fill(message)) and "pw@" not in line


def test_serves_on_loopback_and_stops_on_ctrl_c(dashboard_data: DashboardData) -> None:
    with serving(["--reports", str(dashboard_data.reports), "--trust", str(dashboard_data.ca)]) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert "loopback only, no login" in server.lines[-1] and str(dashboard_data.history) in server.lines[-1]
        page = requests.get(server.url, timeout=30)
        assert page.status_code == 200 and "partly signed" in page.text
        assert requests.get(server.url + "runs/x/files/..%2F..%2Fhistory.sqlite", timeout=30).status_code == 404
        assert server.stop() == 0


def test_credentials_once_set_are_required_on_loopback_too(dashboard_data: DashboardData) -> None:
    with serving(["--reports", str(dashboard_data.reports)], env={"HARNESS_SERVE_TOKEN": TOKEN}) as server:
        assert "token or password required" in server.lines[-1] and TOKEN not in "".join(server.lines)
        assert requests.get(server.url, timeout=30).status_code == 401
        assert requests.get(server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).status_code == 200
        assert requests.get(server.url, auth=("staff", TOKEN), timeout=30).status_code == 200


def test_a_port_in_use_is_one_line(run_cli: Callable[..., object], dashboard_data: DashboardData) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run_cli("serve", "--reports", str(dashboard_data.reports), "--port", str(port))
    assert result.code == 2  # type: ignore[attr-defined]
    assert one_error_line(result.stderr).startswith(f"error: cannot listen on 127.0.0.1:{port}: Address already in use")  # type: ignore[attr-defined]


def test_sigterm_stops_it_too(dashboard_data: DashboardData) -> None:
    with serving(["--reports", str(dashboard_data.reports)]) as server:
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(30) == 0


class _EarlyServer:
    """Stands in for uvicorn between the announced address and its own signal handlers: an event loop is
    running, and SIGTERM arrives inside one of its callbacks (where asyncio logs and drops exceptions)."""

    should_exit = False

    def run(self, sockets: list[socket.socket]) -> None:
        async def serve() -> None:
            asyncio.get_running_loop().call_soon(signal.raise_signal, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while not self.should_exit and time.monotonic() < deadline:  # uvicorn's own check, bounded here
                await asyncio.sleep(0.01)

        asyncio.run(serve())


def test_a_sigterm_before_uvicorn_listens_is_not_lost() -> None:
    server = _EarlyServer()
    before = signal.getsignal(signal.SIGTERM)
    with socket.socket() as sock:
        _run_until_stopped(server, sock, "serving the dashboard at http://127.0.0.1:0/")  # type: ignore[arg-type]
    assert server.should_exit
    assert signal.getsignal(signal.SIGTERM) == before
