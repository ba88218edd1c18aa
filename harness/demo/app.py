"""The demo permit-application service (FastAPI): the embedded default target of the harness.

Deliberate weaknesses, each switchable, are documented in docs/demo-target.md; the security suite is
expected to find them. None of them lets anything leave 127.0.0.1.
"""

# No `from __future__ import annotations`: FastAPI must evaluate the route signatures, which use
# aliases defined inside create_app.
import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.types import ASGIApp, Receive, Scope, Send

from harness.demo import domain
from harness.demo.domain import PermitType, Role, RuleViolation, Status
from harness.demo.metrics import DemoMetrics, MetricsMiddleware
from harness.demo.portal import portal_router
from harness.demo.store import Store, User
from harness.demo.weaknesses import WEAKNESSES

SERVICE_NAME = "permit-service"
SERVICE_VERSION = "1.4.2"
OLD_SERVICE_VERSION = "1.3.9"  # the predecessor served by ``--version old`` (parallel-run demos)
FAST_PATHS = frozenset({"/health", "/version"})  # never delayed by added_latency: readiness checks stay quick


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    permit_type: PermitType
    applicant_name: str = Field(min_length=2, max_length=50)
    id_number: str = Field(description="18-character resident identity number (GB 11643)")
    phone: str
    address: str = Field(min_length=5, max_length=200)
    description: str = Field(default="", max_length=2000)
    area_sqm: Decimal | None = Field(default=None, gt=0, le=1_000_000)
    days: int | None = Field(default=None, ge=1, le=90)

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str) -> str:
        if not domain.is_valid_resident_id(value):
            raise ValueError("not a valid resident identity number")
        return value.upper()

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not domain.is_valid_mobile(value):
            raise ValueError("not a valid mainland mobile number")
        return value


class ApplicationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    applicant_name: str | None = Field(default=None, min_length=2, max_length=50)
    phone: str | None = None
    address: str | None = Field(default=None, min_length=5, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    area_sqm: Decimal | None = Field(default=None, gt=0, le=1_000_000)
    days: int | None = Field(default=None, ge=1, le=90)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not domain.is_valid_mobile(value):
            raise ValueError("not a valid mainland mobile number")
        return value


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str
    note: str = Field(default="", max_length=1000)


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Slower:
    """Pure ASGI middleware that waits ``delay`` seconds before the app answers (but not on FAST_PATHS).

    Not an ``@app.middleware("http")`` function: those run through Starlette's BaseHTTPMiddleware, whose own
    cost (a task group and a stream per request) is several milliseconds on a busy machine — the demo would
    be slower than it was asked to be.
    """

    def __init__(self, app: ASGIApp, delay: float) -> None:
        self.app = app
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in FAST_PATHS:
            await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)


def _application_json(row: sqlite3.Row, role: Role, old: bool = False) -> dict[str, object]:
    status = Status(row["status"])
    shown: dict[str, object] = {
        "id": row["id"],
        "reference": row["reference"],
        "owner": row["owner"],
        "permit_type": row["permit_type"],
        "applicant_name": row["applicant_name"],
        "id_number": domain.mask_resident_id(row["id_number"]),
        "phone": row["phone"],
        "address": row["address"],
        "description": row["description"],
        "area_sqm": float(row["area_sqm"]) if row["area_sqm"] is not None else None,
        "days": row["days"],
        "fee": row["fee"],
        "status": status.value,
        "allowed_actions": domain.allowed_actions(status, role),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "submitted_at": row["submitted_at"],
        "due_date": row["due_date"],
    }
    if old:  # the old release's date format
        shown["due_date"] = domain.legacy_date(row["due_date"])
    return shown


def create_app(
    db_path: Path,
    weaknesses: frozenset[str] = frozenset(WEAKNESSES),
    release: str = "new",
    *,
    metrics: bool = False,
    added_latency: float = 0.0,
) -> FastAPI:
    """Build the service around a SQLite file; ``weaknesses`` selects the deliberate flaws, ``release`` the
    version ("new": today's service; "old": its predecessor, with due dates as ``2026/01/31`` and the
    construction fee without the reduced rate beyond 1000 m² — docs/parallel-run.md).

    ``metrics`` counts and times the requests and serves them at ``/metrics`` (harness/demo/metrics.py).
    ``added_latency`` (seconds) delays every answer but those of /health and /version: a release that is
    measurably slower, for the canary suites' demos and tests (docs/canary.md).
    """
    store = Store(db_path)
    old = release == "old"
    service_version = OLD_SERVICE_VERSION if old else SERVICE_VERSION
    fee_rule = domain.legacy_permit_fee if old else domain.permit_fee

    def as_json(row: sqlite3.Row, role: Role) -> dict[str, object]:
        return _application_json(row, role, old)

    app = FastAPI(
        title="Permit application service (demo)",
        version=service_version,
        description="行政许可网上申请服务 — demo target of acceptance-harness. Do not deploy.",
    )
    app.state.store = store
    if added_latency > 0:  # innermost: the metrics below time the slower answers as a client sees them
        app.add_middleware(Slower, delay=added_latency)
    demo_metrics = DemoMetrics() if metrics else None
    if demo_metrics is not None:  # added before the headers middleware, so inside it: /metrics gets them too
        app.add_middleware(MetricsMiddleware, metrics=demo_metrics)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if "missing-security-headers" not in weaknesses:
            response.headers.update(SECURITY_HEADERS)
        if "server-banner" in weaknesses:
            response.headers["X-Powered-By"] = f"{SERVICE_NAME}/{service_version} Python/3.11 FastAPI"
        return response

    @app.exception_handler(RuleViolation)
    async def rule_violation(_: Request, exc: RuleViolation) -> JSONResponse:
        status_code = 403 if exc.code == "forbidden" else 409 if exc.code == "invalid_transition" else 422
        return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=status_code)

    def current_user(request: Request, authorization: Annotated[str | None, Header()] = None) -> User:
        token = ""
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        elif request.cookies.get("session"):
            token = request.cookies["session"]
        user = store.user_for_token(token) if token else None
        if user is None:
            raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
        return user

    CurrentUser = Annotated[User, Depends(current_user)]

    def visible_application(application_id: int, user: User) -> sqlite3.Row:
        row = store.get_application(application_id)
        # Someone else's application answers 404, not 403: its existence is not the caller's business.
        # Officers see applications once submitted; drafts belong to the applicant alone.
        if row is None or (
            row["owner"] != user.username if user.role is Role.APPLICANT else Status(row["status"]) is Status.DRAFT
        ):
            raise HTTPException(404, "application not found")
        return row

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        store.get_application(0)
        return {"status": "ok", "database": "ok"}

    @app.get("/version", tags=["operations"])
    def version() -> dict[str, str]:
        return {"name": SERVICE_NAME, "version": service_version}

    @app.post("/api/auth/token", tags=["auth"])
    def login(credentials: Credentials, response: Response) -> dict[str, object]:
        user = store.authenticate(credentials.username, credentials.password)
        if user is None:
            raise HTTPException(401, "wrong username or password")
        token = store.issue_token(user)
        secure_cookie = "cookie-flags" not in weaknesses
        response.set_cookie("session", token, httponly=secure_cookie, samesite="strict" if secure_cookie else None)
        return {"access_token": token, "token_type": "bearer", "role": user.role.value, "expires_in": 8 * 3600}

    @app.get("/api/me", tags=["auth"])
    def me(user: CurrentUser) -> dict[str, str]:
        return {"username": user.username, "display_name": user.display_name, "role": user.role.value}

    @app.get("/api/permit-types", tags=["catalogue"])
    def permit_types() -> list[dict[str, object]]:
        return [
            {"code": p.value, "title": domain.PERMIT_TITLES[p], "processing_days": domain.PROCESSING_DAYS[p]}
            for p in PermitType
        ]

    @app.get("/api/applications", tags=["applications"])
    def list_applications(
        user: CurrentUser,
        status: Status | None = None,
        permit_type: PermitType | None = None,
        q: Annotated[str | None, Query(max_length=100)] = None,
        page: Annotated[int, Query(ge=1, le=10_000)] = 1,
        page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> dict[str, object]:
        applicant = user.role is Role.APPLICANT
        total, rows = store.list_applications(
            owner=user.username if applicant else None,
            hide_drafts=not applicant,
            status=status.value if status else None,
            permit_type=permit_type.value if permit_type else None,
            query=q,
            limit=page_size,
            offset=(page - 1) * page_size,
        )
        return {
            "total": total,
            "page": page,
            "page_size": page_size,
            "items": [as_json(row, user.role) for row in rows],
        }

    @app.post("/api/applications", status_code=201, tags=["applications"])
    def create_application(body: ApplicationIn, user: CurrentUser, response: Response) -> dict[str, object]:
        if user.role is not Role.APPLICANT:
            raise HTTPException(403, "only applicants create applications")
        fee = fee_rule(body.permit_type, body.area_sqm, body.days)
        fields = body.model_dump()
        fields["permit_type"] = body.permit_type.value
        fields["area_sqm"] = str(body.area_sqm) if body.area_sqm is not None else None
        fields["fee"] = str(fee)
        new_id = store.insert_application(user.username, fields)
        response.headers["Location"] = f"/api/applications/{new_id}"
        return as_json(visible_application(new_id, user), user.role)

    @app.get("/api/applications/{application_id}", tags=["applications"])
    def get_application(application_id: int, user: CurrentUser) -> dict[str, object]:
        if "idor-application" in weaknesses and user.role is Role.APPLICANT:
            # the deliberate IDOR: this route applies the officers' rule (submitted applications are visible)
            # to applicants too, so an applicant reads anyone's application once it is submitted
            row = store.get_application(application_id)
            if row is None or (row["owner"] != user.username and Status(row["status"]) is Status.DRAFT):
                raise HTTPException(404, "application not found")
            return as_json(row, user.role)
        return as_json(visible_application(application_id, user), user.role)

    @app.patch("/api/applications/{application_id}", tags=["applications"])
    def update_application(application_id: int, body: ApplicationPatch, user: CurrentUser) -> dict[str, object]:
        row = visible_application(application_id, user)
        if row["owner"] != user.username:
            raise HTTPException(403, "only the applicant may change an application")
        if Status(row["status"]) is not Status.DRAFT:
            raise RuleViolation("invalid_transition", "only draft applications can be changed")
        changes = body.model_dump(exclude_unset=True)
        if not changes:
            raise RuleViolation("empty_update", "nothing to change")
        area = changes.get("area_sqm", Decimal(row["area_sqm"]) if row["area_sqm"] else None)
        days = changes.get("days", row["days"])
        changes["fee"] = str(fee_rule(PermitType(row["permit_type"]), area, days))
        if "area_sqm" in changes and changes["area_sqm"] is not None:
            changes["area_sqm"] = str(changes["area_sqm"])
        store.update_application(application_id, changes)
        return as_json(visible_application(application_id, user), user.role)

    @app.post("/api/applications/{application_id}/transitions", tags=["applications"])
    def transition(application_id: int, body: TransitionIn, user: CurrentUser) -> dict[str, object]:
        row = visible_application(application_id, user)
        current = Status(row["status"])
        new = domain.apply_transition(current, body.action, user.role, body.note)
        extra: dict[str, object] = {}
        if new is Status.SUBMITTED:
            today = date.today()
            extra = {
                "reference": domain.reference_number(today.year, application_id),
                "submitted_at": today.isoformat(),
                "due_date": domain.due_date(today, PermitType(row["permit_type"])).isoformat(),
            }
        try:
            store.record_transition(application_id, body.action, user.username, current, new, body.note, extra)
        except LookupError:
            raise HTTPException(409, "the application changed meanwhile; reload and retry") from None
        return as_json(visible_application(application_id, user), user.role)

    @app.get("/api/applications/{application_id}/history", tags=["applications"])
    def history(application_id: int, user: CurrentUser) -> list[dict[str, object]]:
        visible_application(application_id, user)
        return [
            {k: entry[k] for k in ("action", "actor", "from_status", "to_status", "note", "at")}
            for entry in store.history(application_id)
        ]

    @app.get("/api/admin/users", tags=["administration"])
    def list_users(user: CurrentUser) -> list[dict[str, str]]:
        if user.role is not Role.ADMIN:
            raise HTTPException(403, "administrators only")
        return [{"username": u.username, "display_name": u.display_name, "role": u.role.value} for u in store.users()]

    app.include_router(portal_router(store, weaknesses))
    if demo_metrics is not None:
        demo_metrics.initialise(app.routes)
    return app
