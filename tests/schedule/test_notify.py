"""Notifications: the summary JSON reaches a command's stdin and a webhook on 127.0.0.1; scope is enforced."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from harness.profile.schedule import NotifySpec
from harness.schedule.notify import needs_attention, notify

FAILED = {"run_id": "demo-1", "verdict": "FAIL", "run_dir": "/r/demo-1"}
PASSED_NEW_HIGH = {"verdict": "PASS", "comparison": {"new_findings": {"total": 1, "critical": 0, "high": 1}}}
PASSED = {"verdict": "PASS", "comparison": {"new_findings": {"total": 2, "critical": 0, "high": 0, "medium": 2}}}


class Receiver:
    """A webhook receiver on 127.0.0.1 that keeps what it was sent."""

    def __init__(self, status: int = 204) -> None:
        self.bodies: list[dict[str, object]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/acceptance?token=s3cret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    hook.thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def test_attention_rule() -> None:
    assert needs_attention(FAILED) and needs_attention(PASSED_NEW_HIGH) and needs_attention({"error": "x"})
    assert not needs_attention(PASSED)


def test_command_gets_the_summary_on_stdin(tmp_path: Path) -> None:
    script = "import os, sys; open('got.json', 'w').write(sys.stdin.read()); open('env', 'w').write(os.environ['HARNESS_VERDICT'])"
    spec = NotifySpec(command=[sys.executable, "-c", script])
    (line,) = notify(FAILED, spec, ["127.0.0.1"], tmp_path)
    assert line == f"notified command {Path(sys.executable).name}"
    assert json.loads((tmp_path / "got.json").read_text()) == FAILED
    assert (tmp_path / "env").read_text() == "FAIL"
    assert notify(PASSED, spec, ["127.0.0.1"], tmp_path) == []  # nothing to say about a clean PASS


def test_failing_or_hanging_commands_are_reported(tmp_path: Path) -> None:
    failing = NotifySpec(command=[sys.executable, "-c", "raise SystemExit(4)"])
    assert notify(FAILED, failing, [], tmp_path) == [
        f"notify command {Path(sys.executable).name} failed with exit code 4"
    ]
    hanging = NotifySpec(command=[sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    (line,) = notify(FAILED, hanging, [], tmp_path)
    assert "did not finish within 0.5 s and was stopped" in line
    missing = NotifySpec(command=[str(tmp_path / "no-such-script")])
    assert "could not start" in notify(FAILED, missing, [], tmp_path)[0]


def test_webhook_receives_the_summary(receiver: Receiver, tmp_path: Path) -> None:
    spec = NotifySpec(webhook=receiver.url)
    (line,) = notify(PASSED_NEW_HIGH, spec, ["127.0.0.1"], tmp_path)
    assert receiver.bodies == [PASSED_NEW_HIGH]
    assert line.startswith("notified webhook http://127.0.0.1:") and "s3cret" not in line  # no token in messages


def test_webhook_outside_scope_is_never_called(receiver: Receiver, tmp_path: Path) -> None:
    spec = NotifySpec(webhook=receiver.url, when="always")
    (line,) = notify(FAILED, spec, ["localhost"], tmp_path)  # 127.0.0.1 is not in this scope
    assert line.startswith("webhook not called: refusing to contact '127.0.0.1'")
    assert receiver.bodies == []


def test_webhook_errors_are_reported(tmp_path: Path) -> None:
    refusing = Receiver(status=500)
    refusing.thread.start()
    try:
        (line,) = notify(FAILED, NotifySpec(webhook=refusing.url), ["127.0.0.1"], tmp_path)
    finally:
        refusing.server.shutdown()
        refusing.server.server_close()
    assert line.endswith("answered HTTP 500")
    (down,) = notify(FAILED, NotifySpec(webhook=refusing.url, timeout=2), ["127.0.0.1"], tmp_path)
    assert "failed: ConnectionError" in down
