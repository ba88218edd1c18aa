"""``harness serve``: the read-only web dashboard (harness/serve/) on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import logging
import os
import signal
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from harness.cli.main import ExitCode, HarnessCommand, app, error_line, fail, stderr
from harness.cli.options import location
from harness.errors import HarnessError
from harness.history.gate import HISTORY_FILE

if TYPE_CHECKING:
    import uvicorn

DEFAULT_REPORTS = Path("reports")


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, so the address printed is the one bound (``--port 0`` picks a free port)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        stderr.print(
            error_line(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --host or --port"),
            soft_wrap=True,
        )
        raise typer.Exit(ExitCode.USAGE) from None
    sock.set_inheritable(True)
    return sock


def _quiet_libraries() -> None:
    """pyHanko logs, with tracebacks, what verification also reports by value: the pages show it once."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


@app.command(cls=HarnessCommand)
def serve(
    profiles: Annotated[
        list[Path] | None,
        typer.Argument(help="Profiles whose schedule: the schedules page also shows.", show_default=False),
    ] = None,
    history: Annotated[
        str | None,
        typer.Option(
            "--history",
            metavar="PATH|URL",
            help="The history: a SQLite file or a postgresql://USER@HOST/DB URL (default: REPORTS/history.sqlite).",
            show_default=False,
        ),
    ] = None,
    reports: Annotated[
        Path, typer.Option("--reports", metavar="DIR", help="The folder holding the run directories.")
    ] = DEFAULT_REPORTS,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on. Anything but loopback needs HARNESS_SERVE_TOKEN (or HARNESS_SERVE_USER "
            "and HARNESS_SERVE_PASSWORD) in the environment.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=0, max=65535, help="Port (0: any free one).")
    ] = 8765,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust", metavar="FILE", help="Trusted CA certificate, PEM or DER (repeatable), for checking signatures."
        ),
    ] = None,
    max_upload_mb: Annotated[
        int,
        typer.Option("--max-upload-mb", metavar="MB", min=1, max=1024, help="Largest report the verify page accepts."),
    ] = 64,
) -> None:
    """Serve a read-only web dashboard of the run history: profiles with their latest verdict and sign-off,
    trends, run pages with findings and evidence, diffs, schedules, and a page that verifies an uploaded
    report. Stop it with Ctrl-C.
    """
    import uvicorn

    from harness.serve import Credentials, ServeSettings, create_app

    _quiet_libraries()
    where = location(history) if history else location(str(reports / HISTORY_FILE))
    try:
        credentials = Credentials.of(
            os.environ.get("HARNESS_SERVE_TOKEN"),
            os.environ.get("HARNESS_SERVE_USER"),
            os.environ.get("HARNESS_SERVE_PASSWORD"),
        )
        settings = ServeSettings(
            history=where, reports=reports, host=host, trust=tuple(trust or ()), profiles=tuple(profiles or ()),
            credentials=credentials, max_upload=max_upload_mb * 1024 * 1024,
        )  # fmt: skip
        application = create_app(settings)
    except HarnessError as exc:
        fail(exc)
    sock = _listen(host, port)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    access = "token or password required" if credentials.required else "loopback only, no login"
    announce = (
        f"serving the dashboard at http://{shown}:{bound[1]}/ ({access}; history {where.display}, run directories "
        f"in {reports.resolve()}); read-only; Ctrl-C stops it"
    )
    config = uvicorn.Config(
        application, log_level="warning", access_log=False, server_header=False, lifespan="off",
        timeout_graceful_shutdown=5,
    )  # fmt: skip
    _run_until_stopped(uvicorn.Server(config), sock, announce)
    stderr.print("dashboard stopped", highlight=False)


def _run_until_stopped(server: uvicorn.Server, sock: socket.socket, announce: str) -> None:
    """Serve until Ctrl-C or SIGTERM: both are the ordinary way to stop the dashboard, so both end in exit 0.

    uvicorn listens for both signals only while it serves, then shuts down gracefully and raises the signal
    again for the embedding program: Ctrl-C as KeyboardInterrupt, SIGTERM through the handler installed here.
    That handler only asks the server to exit, and never raises: a SIGTERM that arrives before uvicorn
    listens (the address is already announced) lands in asyncio's machinery, where an exception raised by a
    handler can be swallowed and the signal lost, leaving a server that ignores SIGTERM until Ctrl-C.
    """

    def stop(signum: int, frame: object) -> None:
        server.should_exit = True  # uvicorn checks it after starting, and before it serves

    previous = signal.signal(signal.SIGTERM, stop)  # before the address is announced: a test may stop it at once
    try:
        stderr.print(announce, soft_wrap=True, markup=False, highlight=False)
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
