"""``harness serve`` as a real process on 127.0.0.1 (any free port), for the CLI and browser tests.

The server prints the address it listens on once it is bound; the tests wait for that line (never a
fixed sleep) and stop the server with SIGINT, as Ctrl-C would, then SIGKILL if it does not exit.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SERVING = re.compile(r"serving the dashboard at (http://\S+/) ")
HARNESS = str(Path(sys.executable).with_name("harness"))


@dataclass
class ServeProcess:
    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(timeout)


def _pump(stream: object, lines: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(None)


@contextmanager
def serving(args: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 90) -> Iterator[ServeProcess]:  # fmt: skip
    """Start ``harness serve ARGS --port 0`` and yield it once it listens; stop it afterwards."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_SERVE_")}
    process = subprocess.Popen(
        [HARNESS, "serve", *args, "--port", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**environment, **(env or {})}, cwd=cwd,
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stderr, lines), daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            line = lines.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"harness serve exited ({process.wait()}) before listening: {''.join(seen)}")
            seen.append(line)
            found = SERVING.search(line)
            if found:
                break
        server = ServeProcess(process, found.group(1), seen)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
