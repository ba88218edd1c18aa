"""Running the harness as users do: its console script's entry point, in a process of its own.

Each call is a new process with the working directory, environment, standard streams and exit code a
user's shell would give the installed ``harness`` script. What it skips is the interpreter start and the
second of imports every command pays: the process is forked from a server (multiprocessing's fork
server) that imported the harness once per pytest worker (tests/harness_preload.py). That makes the
suite's several hundred CLI runs about a second cheaper each.

A call whose environment changes how an interpreter or a console starts (``PYTHON*``, the locale,
colour and terminal variables), which a pre-started process could not honour, runs the installed
script itself. Tests about the script as such (what it imports, signals it gets, its process tree) start
it themselves.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.forkserver
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HARNESS = Path(sys.executable).with_name("harness")
TESTS = Path(__file__).resolve().parent

# variables read once when an interpreter or a rich Console starts: a forked process would not see them
_CONSOLE_VARIABLES = r"TERM$|COLORTERM$|FORCE_COLOR$|NO_COLOR$|TTY_"
_STARTUP_VARIABLES = re.compile(rf"PYTHON|LC_|LANG$|LANGUAGE$|{_CONSOLE_VARIABLES}")
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["harness_preload", "harness_cli"])
_server_started = False


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, object]:
        payload = json.loads(self.stdout)
        assert isinstance(payload, dict)
        return payload


def harness(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
    """``harness ARGS...`` in ``cwd``, the environment extended by ``env``."""
    environ = {**os.environ, **(env or {})}
    if any(_STARTUP_VARIABLES.match(name) for name in env or {}):
        completed = subprocess.run(
            [str(HARNESS), *args], capture_output=True, text=True, env=environ, timeout=timeout, cwd=cwd
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)
    return _forked([str(HARNESS), *args], cwd, environ, timeout)


def _forked(argv: list[str], cwd: Path, environ: dict[str, str], timeout: float) -> CliResult:
    _start_server()
    with tempfile.TemporaryDirectory(prefix="harness-streams-") as streams:
        stdout, stderr = Path(streams, "stdout"), Path(streams, "stderr")
        child = _FORKS.Process(target=_console_script, args=(argv, str(cwd), environ, str(stdout), str(stderr)))
        child.start()
        child.join(timeout)
        if child.exitcode is None:
            child.kill()
            child.join()
            raise subprocess.TimeoutExpired(argv, timeout, _read(stdout), _read(stderr))
        return CliResult(child.exitcode, _read(stdout), _read(stderr))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _start_server() -> None:
    """Start this worker's fork server (once) where its consoles cannot see a terminal or a colour setting.

    The harness's rich Consoles are made when their module is imported, in the server, and fix their
    colour system then: pytest run with ``-s`` in a terminal, or ``FORCE_COLOR`` in CI, would otherwise
    colour every forked command's output.
    """
    global _server_started
    if _server_started:
        return
    with _streams_to_devnull(), _server_environment():
        multiprocessing.forkserver.ensure_running()
    _server_started = True


@contextmanager
def _streams_to_devnull() -> Iterator[None]:
    saved = [os.dup(fd) for fd in (1, 2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            os.dup2(devnull, fd)
        yield
    finally:
        for fd, copy in zip((1, 2), saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


@contextmanager
def _server_environment() -> Iterator[None]:
    """The server's environment: this one without colour and terminal settings, and with tests/ on
    PYTHONPATH so that it can import harness_preload.py (Python 3.11's fork server does not take this
    process's sys.path)."""
    saved = dict(os.environ)
    for name in [name for name in os.environ if re.match(rf"{_CONSOLE_VARIABLES}|COLUMNS$|LINES$", name)]:
        del os.environ[name]
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), saved.get("PYTHONPATH")]))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _console_script(argv: list[str], cwd: str, environ: dict[str, str], stdout: str, stderr: str) -> None:
    """In the forked process: what the installed script would be given, then its entry point."""
    for fd, path in ((1, stdout), (2, stderr)):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(handle, fd)
        os.close(handle)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environ)
    tempfile.tempdir = None  # derived again from this environment's TMPDIR
    sys.argv = argv
    from harness_preload import console_script

    console_script()
