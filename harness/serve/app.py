"""Build the dashboard application: check everything it needs at start, then wire pages, errors and the guard.

    settings ──create_app──> FastAPI app (pages.py routes, guard.py in front, Jinja2 templates of render.py)
                               reads: RunStore / ScheduleStore (history), Reports (run directories),
                                      SignOffReader (harness verify's API), trust anchors

A problem found at start (a bind beyond loopback without credentials, a history that cannot be opened, a
reports folder that is not there, an unreadable trust anchor, a broken profile) raises a HarnessError with
one line saying what to do; the CLI prints it and exits 2.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from starlette.exceptions import HTTPException as StarletteHTTPException

from harness import __version__
from harness.errors import HarnessError, ServeError
from harness.history.location import HistoryLocation
from harness.serve.access import Credentials, check_bind
from harness.serve.dashboard import Dashboard
from harness.serve.guard import Guard
from harness.serve.pages import add_pages
from harness.serve.render import environment
from harness.serve.rundirs import Reports
from harness.serve.signoff import SignOffReader

if TYPE_CHECKING:
    from harness.schedule.schedules import Schedule

DEFAULT_PORT = 8765
DEFAULT_MAX_UPLOAD = 64 * 1024 * 1024


@dataclass(frozen=True)
class ServeSettings:
    history: HistoryLocation
    reports: Path
    host: str = "127.0.0.1"
    trust: tuple[Path, ...] = ()
    profiles: tuple[Path, ...] = ()  # whose declared schedules the schedules page shows
    credentials: Credentials = field(default_factory=Credentials)
    max_upload: int = DEFAULT_MAX_UPLOAD
    trend_runs: int = 50  # runs per profile in the trend charts


def _check_folders(reports: Path) -> Path:
    if not reports.is_dir():
        raise ServeError(f"--reports {reports}: no such folder; pass the folder that holds the run directories")
    root = reports.resolve()
    if Path(tempfile.gettempdir()).resolve().is_relative_to(root):
        raise ServeError(
            f"the temporary folder {tempfile.gettempdir()} is inside the reports folder {root}: uploads would be "
            "written there; set TMPDIR to a folder outside it"
        )
    return root


def _declared(profiles: Sequence[Path]) -> list[Schedule]:
    if not profiles:
        return []
    from harness.schedule.schedules import declared  # loads the runners: only when profiles are named

    return [schedule for path in profiles for schedule in declared(path)]


def create_app(settings: ServeSettings) -> FastAPI:
    """The dashboard over ``settings.history`` and ``settings.reports``.

    Raises:
        ServeError: a bind beyond loopback without credentials, a missing reports folder.
        HistoryError: the history cannot be opened (missing, another application's, unreachable).
        SigningError: a trust anchor cannot be read.
        ProfileError: a profile named for its schedules is invalid.
    """
    from harness.history.runs import RunStore
    from harness.signing.trust import anchor_text, load_trust

    check_bind(settings.host, settings.credentials)
    root = _check_folders(settings.reports)
    anchors = tuple(anchor_text(certificate) for certificate in load_trust(list(settings.trust)))
    store = RunStore.open(settings.history, create=False)
    dashboard = Dashboard(
        store, Reports(root), SignOffReader(settings.trust), _declared(settings.profiles),
        trend_runs=settings.trend_runs,
    )  # fmt: skip
    env = environment()
    app = FastAPI(
        title="acceptance-harness dashboard", version=__version__, docs_url=None, redoc_url=None, openapi_url=None
    )
    add_pages(app, dashboard, env, trust_anchors=anchors, max_upload=settings.max_upload)
    _add_error_pages(app, env, dashboard)
    app.add_middleware(Guard, credentials=settings.credentials, bound_host=settings.host)
    return app


def _add_error_pages(app: FastAPI, env: Environment, dashboard: Dashboard) -> None:
    def error(status: int, title: str, detail: str) -> HTMLResponse:
        html = env.get_template("error.html").render(
            section="", history=dashboard.history_display, reports=str(dashboard.reports.root), version=__version__,
            status=status, title=title, detail=detail,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    async def http_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, StarletteHTTPException)
        titles = {404: "Not found", 405: "Method not allowed"}
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code == 404 else ""
        return error(exc.status_code, titles.get(exc.status_code, "Request refused"), detail)

    async def bad_request(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error(400, "Bad request", problems)

    async def harness_error(request: Request, exc: Exception) -> HTMLResponse:
        return error(503, "The history cannot be read right now", str(exc))

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(HarnessError, harness_error)
