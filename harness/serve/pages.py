"""The dashboard's routes: every page is a GET that reads; the one POST checks an uploaded report.

Route handlers are plain functions (FastAPI runs them in its thread pool), so a slow read — a big run.json,
a verification, a PostgreSQL history far away — holds up only its own request.
"""

# No `from __future__ import annotations`: FastAPI reads the route signatures at run time.
import hashlib
import mimetypes
import tempfile
import threading
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment
from starlette.concurrency import run_in_threadpool

from harness import __version__
from harness.errors import HarnessError, HistoryError
from harness.serve.dashboard import Dashboard
from harness.serve.render import run_url
from harness.serve.signoff import verify_upload
from harness.serve.upload import UploadError, save_upload
from harness.serve.verification import verification_view
from harness.signing.verify import VerificationReport

# A run's raw files are shown, never run: HTML and SVG (a scanner's report carries its attack payloads)
# in a sandbox without scripts, everything that is text as plain text.
RAW_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
PDF_POLICY = "frame-ancestors 'none'"  # the browser's own PDF viewer must still be allowed to load it
AS_TEXT = frozenset({".xml", ".json", ".csv", ".log", ".txt", ".yaml", ".yml", ".tsv", ".jtl", ".md", ".ini", ".py"})
INLINE = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".pdf": "application/pdf",
          ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".svg": "image/svg+xml"}  # fmt: skip
VERIFICATIONS_AT_ONCE = 2  # uploads checked in parallel; more wait their turn


def add_pages(
    app: FastAPI, dashboard: Dashboard, env: Environment, *, trust_anchors: tuple[str, ...], max_upload: int
) -> None:
    slots = threading.BoundedSemaphore(VERIFICATIONS_AT_ONCE)
    stylesheet = (Path(__file__).parent / "static" / "dashboard.css").read_bytes()

    def page(template: str, section: str, status: int = 200, **context: object) -> HTMLResponse:
        html = env.get_template(template).render(
            section=section, history=dashboard.history_display, reports=str(dashboard.reports.root),
            version=__version__, **context,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    @app.get("/static/dashboard.css", include_in_schema=False)
    def css() -> Response:
        return Response(stylesheet, media_type="text/css; charset=utf-8", headers={"cache-control": "max-age=300"})

    @app.get("/", response_class=HTMLResponse)
    def overview() -> HTMLResponse:
        return page(
            "overview.html", "overview", rows=dashboard.overview(run_url), recent=dashboard.recent(limit=15),
            trust_checked=bool(trust_anchors),
        )  # fmt: skip

    @app.get("/profiles/{name}", response_class=HTMLResponse)
    def profile(name: str) -> HTMLResponse:
        found = dashboard.profile(name, run_url)
        if found is None:
            raise HTTPException(404, f"no runs of profile {name!r} in the history")
        return page("profile.html", "overview", p=found)

    @app.get("/runs", response_class=HTMLResponse)
    def runs(
        profile: Annotated[str, Query(max_length=200)] = "",
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> HTMLResponse:
        names = [p.profile for p in dashboard.store.profiles()]
        records = dashboard.recent(profile or None, limit)
        return page("runs.html", "runs", records=records, profiles=names, chosen=profile, limit=limit)

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run(run_id: str) -> HTMLResponse:
        found = dashboard.run(run_id)
        if found is None:
            raise HTTPException(404, f"no run {run_id!r} in the history")
        return page("run.html", "runs", r=found)

    @app.get("/runs/{run_id}/files/{path:path}")
    def run_file(run_id: str, path: str, download: bool = False) -> Response:
        record = dashboard.store.get(run_id)
        run_dir = dashboard.run_dir(record) if record is not None else None
        found = dashboard.reports.file(run_dir, path) if run_dir is not None else None
        if found is None:
            raise HTTPException(404, "no such file in this run's directory")
        suffix = found.suffix.lower()
        if download:
            media, policy = "application/octet-stream", RAW_POLICY
        elif suffix in INLINE:
            media, policy = INLINE[suffix], PDF_POLICY if suffix == ".pdf" else RAW_POLICY
        elif suffix in AS_TEXT or (mimetypes.guess_type(found.name)[0] or "").startswith("text/"):
            media, policy = "text/plain; charset=utf-8", RAW_POLICY
        else:
            media, policy, download = "application/octet-stream", RAW_POLICY, True
        return FileResponse(
            found, media_type=media, filename=found.name, content_disposition_type="attachment" if download else "inline",
            headers={"content-security-policy": policy},
        )  # fmt: skip

    @app.get("/diff", response_class=HTMLResponse)
    def diff(
        a: Annotated[str, Query(max_length=300)] = "",
        b: Annotated[str, Query(max_length=300)] = "",
        show_all: Annotated[bool, Query(alias="all")] = False,
    ) -> HTMLResponse:
        choices = dashboard.recent(limit=200)
        if not (a and b):
            return page("diff.html", "diff", d=None, choices=choices, a=a, b=b, show_all=show_all, error="")
        try:
            result = dashboard.diff(a, b, all_metrics=show_all)
        except HistoryError as exc:
            return page("diff.html", "diff", 404, d=None, choices=choices, a=a, b=b, show_all=show_all, error=str(exc))
        return page("diff.html", "diff", d=result, choices=choices, a=a, b=b, show_all=show_all, error="")

    @app.get("/schedules", response_class=HTMLResponse)
    def schedules() -> HTMLResponse:
        return page("schedules.html", "schedules", s=dashboard.schedules())

    def verify_page(status: int = 200, **context: object) -> HTMLResponse:
        values: dict[str, object] = {"view": None, "error": "", "upload": None}
        values.update(context)
        return page("verify.html", "verify", status, anchors=trust_anchors, limit=max_upload, **values)

    @app.get("/verify", response_class=HTMLResponse)
    def verify_form() -> HTMLResponse:
        return verify_page()

    def check(path: Path, partial: bool) -> VerificationReport:
        with slots:
            return verify_upload(path, dashboard.signoff_reader.trust, partial=partial)

    @app.post("/verify", response_class=HTMLResponse)
    async def verify_upload_page(request: Request) -> HTMLResponse:
        with tempfile.TemporaryDirectory(prefix="harness-verify-") as folder:
            path = Path(folder) / "report.pdf"
            try:
                name, size, fields = await save_upload(request, "report", max_upload, path)
            except UploadError as exc:
                return verify_page(exc.status, error=exc.message)
            digest = await run_in_threadpool(_sha256, path)
            shown = name or "report.pdf"
            upload = {"name": shown, "size": size, "sha256": digest}
            try:
                result = await run_in_threadpool(check, path, bool(fields.get("partial")))
            except HarnessError as exc:
                message = str(exc).replace(str(path), shown)  # the temporary path means nothing to them
                return verify_page(422, error=message, upload=upload)
        view = verification_view(result, shown)
        return verify_page(view=view, upload=upload)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
