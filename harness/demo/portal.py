"""The demo's small HTML portal: home page, service-guide search and the feedback form (意见反馈).

It gives scanners pages to crawl and carries three of the deliberate weaknesses:

- ``cookie-flags``: the anonymous visitor session cookie (``portal_session``, set on the first page a
  visitor sees) lacks HttpOnly and SameSite;
- ``reflected-xss``: the search page echoes ``q`` into the HTML unescaped;
- ``missing-csrf-token``: the feedback form carries no anti-CSRF token and the server accepts any POST,
  so another site can submit feedback in a visitor's name (CWE-352). Without the weakness the form
  carries a token bound to the visitor session (an HMAC of the session id under a per-process key, as
  OWASP's CSRF cheat sheet describes) and a POST without the matching token is refused with 403.
"""

# No `from __future__ import annotations`: FastAPI must evaluate the route signatures.
import hashlib
import hmac
import html
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from harness.demo.store import Store

SESSION_COOKIE = "portal_session"
CSRF_FIELD = "csrf_token"  # a name ZAP and wapiti both recognise as an anti-CSRF token
FEEDBACK_CATEGORIES = {
    "consultation": "咨询 / Question",
    "suggestion": "建议 / Suggestion",
    "complaint": "投诉 / Complaint",
}

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1>{body}</body></html>"""

HOME = PAGE.format(
    title="行政许可网上申请 / Online permit applications",
    body="""
<p>Demo target of acceptance-harness. Apply for permits through the API documented at
<a href="/docs">/docs</a> (<a href="/openapi.json">OpenAPI</a>).</p>
<form action="/portal/search" method="get">
  <label for="q">Search service guides</label> <input id="q" name="q" type="text">
  <button type="submit">Search</button>
</form>
<ul>
  <li><a href="/portal/search?q=construction">Construction permits</a></li>
  <li><a href="/portal/search?q=food">Food service permits</a></li>
  <li><a href="/api/permit-types">Permit catalogue (JSON)</a></li>
  <li><a href="/portal/feedback">意见反馈 / Feedback</a></li>
  <li><a href="/version">Version</a></li>
</ul>""",
)

_FEEDBACK_FORM = """
<form action="/portal/feedback" method="post">{hidden}
  <p><label for="category">类别 / Category</label>
  <select id="category" name="category">{options}</select></p>
  <p><label for="content">内容 / Your feedback</label>
  <textarea id="content" name="content" rows="5" cols="60" required></textarea></p>
  <p><label for="contact">联系方式（选填）/ Contact (optional)</label>
  <input id="contact" name="contact" type="text"></p>
  <button type="submit">提交 / Submit</button>
</form>
<p><a href="/">Back to the portal</a></p>"""


def visitor_session(request: Request, response: Response, weaknesses: frozenset[str]) -> str:
    """The visitor's session id: the cookie they bring, or a new one set on this response.

    Portals keep an anonymous session (search history, language) from the first page on; it is the
    cookie a crawling scanner sees without logging in.
    """
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return session
    session = secrets.token_urlsafe(16)
    secure_cookie = "cookie-flags" not in weaknesses
    response.set_cookie(SESSION_COOKIE, session, httponly=secure_cookie, samesite="strict" if secure_cookie else None)
    return session


def portal_router(store: Store, weaknesses: frozenset[str]) -> APIRouter:
    """The portal's pages, with the selected weaknesses."""
    router = APIRouter(include_in_schema=False)
    csrf_key = secrets.token_bytes(32)
    csrf_protected = "missing-csrf-token" not in weaknesses

    def csrf_token(session: str) -> str:
        return hmac.new(csrf_key, session.encode(), hashlib.sha256).hexdigest()

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request, response: Response) -> str:
        visitor_session(request, response, weaknesses)
        return HOME

    @router.get("/portal/search", response_class=HTMLResponse)
    def search(q: str = "") -> str:
        shown = q if "reflected-xss" in weaknesses else html.escape(q)
        return PAGE.format(
            title="办事指南检索 / Service guide search",
            body=f'<p>No service guide matches <b>{shown}</b>.</p><p><a href="/">Back to the portal</a></p>',
        )

    @router.get("/portal/feedback", response_class=HTMLResponse)
    def feedback_form(request: Request, response: Response) -> str:
        session = visitor_session(request, response, weaknesses)
        hidden = (
            f'\n  <input type="hidden" name="{CSRF_FIELD}" value="{csrf_token(session)}">' if csrf_protected else ""
        )
        options = "".join(f'<option value="{key}">{label}</option>' for key, label in FEEDBACK_CATEGORIES.items())
        return PAGE.format(title="意见反馈 / Feedback", body=_FEEDBACK_FORM.format(hidden=hidden, options=options))

    @router.post("/portal/feedback", response_class=HTMLResponse)
    def submit_feedback(
        request: Request,
        category: Annotated[str, Form()],
        content: Annotated[str, Form(min_length=2, max_length=2000)],
        contact: Annotated[str, Form(max_length=100)] = "",
        csrf_token_field: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    ) -> HTMLResponse:
        if csrf_protected:
            session = request.cookies.get(SESSION_COOKIE, "")
            if not session or not hmac.compare_digest(csrf_token_field.encode(), csrf_token(session).encode()):
                body = "<p>表单已过期或并非来自本站，请重新打开反馈页面后提交。</p>"
                body += (
                    '<p>The form expired or was not sent from this site: <a href="/portal/feedback">reload it</a>.</p>'
                )
                return HTMLResponse(PAGE.format(title="无法提交 / Not submitted", body=body), status_code=403)
        if category not in FEEDBACK_CATEGORIES:
            body = '<p>Unknown category. <a href="/portal/feedback">Back to the form</a></p>'
            return HTMLResponse(PAGE.format(title="无法提交 / Not submitted", body=body), status_code=422)
        number = store.add_feedback(category, content.strip(), contact.strip())
        body = f'<p>您的反馈编号 / Your feedback number: <b>FK-{number:06d}</b></p><p><a href="/">Back to the portal</a></p>'
        return HTMLResponse(PAGE.format(title="感谢您的反馈 / Thank you for your feedback", body=body))

    return router
