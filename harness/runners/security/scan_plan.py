"""A security suite's scan, resolved and scope-checked before any engine sees it: start URL, scan context,
auth headers, the OpenAPI document (api mode) with its servers replaced by the target."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urljoin

from harness.errors import RunnerSetupError, ScopeError
from harness.results.messages import message
from harness.runners.base import RunContext
from harness.runners.security.engine import ScanPlan
from harness.runners.security.openapi import fetch_spec, operations, read_spec, retarget, write_copy
from harness.runners.security.options import SecurityOptions


def scan_plan(suite: str, options: SecurityOptions, ctx: RunContext) -> ScanPlan:
    """Resolve start URL, OpenAPI document and auth headers, refusing anything outside the scope.

    In api mode the document is read (fetched from the target when it is a URL), its servers are
    replaced by the target's base URL and the copy is written to ``raw/<suite>/openapi-target.json``.

    Raises:
        RunnerSetupError: an out-of-scope URL, an unreadable OpenAPI document or a missing auth variable.
    """
    base = ctx.target.base_url.rstrip("/")
    target_url = urljoin(base + "/", options.path.lstrip("/"))
    try:
        ctx.target.scope.check_url(target_url)
    except ScopeError as exc:
        raise RunnerSetupError(message("setup.any.out_of_scope", detail=str(exc))) from None
    headers: dict[str, str] = {}
    if options.auth is not None:
        value = ctx.environ.get(options.auth.value_env)
        if not value:
            raise RunnerSetupError(message("setup.security.auth_env_missing", variable=options.auth.value_env))
        headers[options.auth.header] = value
    elif options.use_target_auth:
        headers.update(ctx.target.headers)
    include = ["^" + re.escape(base) + "(?:[/?#].*)?$"]
    include += ["^" + re.escape(base) + (p if p.startswith("/") else "/" + p) for p in options.include]
    plan = ScanPlan(
        suite=suite,
        target_url=target_url,
        base_url=base,
        include=tuple(include),
        exclude=tuple(options.exclude),
        headers=headers,
        options=options,
    )
    if options.openapi:
        plan = _with_openapi(plan, options.openapi, ctx)
    return plan


def _with_openapi(plan: ScanPlan, openapi: str, ctx: RunContext) -> ScanPlan:
    base = plan.base_url
    if openapi.startswith("/"):
        openapi = urljoin(base + "/", openapi.lstrip("/"))  # a path on the target
    openapi_url = None
    if "://" in openapi and not openapi.startswith("file:"):
        try:
            ctx.target.scope.check_url(openapi)
        except ScopeError as exc:
            raise RunnerSetupError(message("setup.any.out_of_scope", detail=str(exc))) from None
        openapi_url = openapi
        same_origin = openapi.startswith(base + "/")
        text = fetch_spec(openapi, ctx.target.scope, dict(plan.headers) if same_origin else {}, ctx.target.timeout)
        where = openapi
    else:
        source = (ctx.base_dir / openapi.removeprefix("file://").removeprefix("file:")).resolve()
        if not source.is_file():
            raise RunnerSetupError(message("setup.openapi.file_missing", path=str(source)))
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RunnerSetupError(message("setup.openapi.unreadable_file", path=str(source), detail=str(exc))) from None
        where = str(source)
    document, replaced = retarget(read_spec(text, where), base)
    copy = write_copy(document, ctx.raw_dir / "openapi-target.json")
    return replace(
        plan,
        openapi_url=openapi_url,
        openapi_file=copy,
        operations=tuple(operations(document)),
        servers_replaced=tuple(replaced),
    )


def excluded_operations(plan: ScanPlan) -> dict[str, str]:
    """Operations whose URL matches an ``exclude`` regex: name -> the regex (they are never requested)."""
    skipped: dict[str, str] = {}
    for op in plan.operations:
        url = plan.base_url + re.sub(r"\{[^}/]+\}", "1", op.path)
        for regex in plan.exclude:
            if re.fullmatch(regex, url):
                skipped[op.name] = regex
                break
    return skipped


