"""OpenAPI documents for API scans: read, point at the target, list the operations, match what was scanned.

Most real specs name their production host (``servers: [{url: https://api.example.gov.cn/v1}]`` or
Swagger 2's ``host``/``basePath``/``schemes``). Scanning them as written would either leave the scope
or, as wapiti does, drop every operation as out of scope and scan nothing. The harness therefore
replaces every absolute server by the target's base URL — keeping the server's path (``/v1``) when the
base URL has none — writes that copy into the run directory (``raw/<suite>/openapi-target.json``), and
records which servers it replaced. Operations are listed as ``METHOD /path`` with a regex for their
URL path, so the coverage can say which of them the engine actually requested.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from harness.errors import RunnerSetupError, ScopeError
from harness.profile.scope import Scope
from harness.results.messages import message
from harness.results.model import SkippedItem
from harness.runners.security.engine import Operation

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_SPEC_BYTES = 20 * 1024 * 1024


def read_spec(text: str, where: str) -> dict[str, Any]:
    """Parse a JSON or YAML OpenAPI/Swagger document.

    Raises:
        RunnerSetupError: not JSON/YAML, or not an OpenAPI 3 / Swagger 2 document.
    """
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise RunnerSetupError(message("setup.openapi.not_readable", where=where, detail=str(exc))) from None
    if not isinstance(document, dict) or not ("openapi" in document or "swagger" in document):
        raise RunnerSetupError(message("setup.openapi.not_openapi", where=where))
    if not isinstance(document.get("paths") or {}, dict):
        raise RunnerSetupError(message("setup.openapi.paths_not_mapping", where=where))
    return document


def fetch_spec(url: str, scope: Scope, headers: dict[str, str], timeout: float) -> str:
    """GET an in-scope spec, following redirects only while they stay in scope (at most 5 hops).

    Raises:
        RunnerSetupError: out of scope, unreachable, not 200, or too large.
    """
    import requests  # loaded when a spec is fetched, not with the runner (harness validate)

    for _ in range(6):
        try:
            scope.check_url(url)
        except ScopeError as exc:
            raise RunnerSetupError(message("setup.openapi.out_of_scope", detail=str(exc))) from None
        try:
            response = requests.get(url, headers=headers, timeout=timeout, allow_redirects=False, stream=True)
        except requests.RequestException as exc:
            raise RunnerSetupError(message("setup.openapi.fetch_failed", url=url, error=type(exc).__name__)) from None
        with response:
            if response.is_redirect and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                headers = {}  # credentials go to the first URL only
                continue
            if response.status_code != 200:
                raise RunnerSetupError(message("setup.openapi.fetch_status", url=url, status=response.status_code))
            body = response.raw.read(MAX_SPEC_BYTES + 1, decode_content=True)
        if len(body) > MAX_SPEC_BYTES:
            raise RunnerSetupError(message("setup.openapi.too_large", url=url, limit=MAX_SPEC_BYTES // 2**20))
        return str(body.decode(response.encoding or "utf-8", errors="replace"))
    raise RunnerSetupError(message("setup.openapi.redirects", url=url))


def _server_path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def retarget(document: dict[str, Any], base_url: str) -> tuple[dict[str, Any], list[str]]:
    """A copy whose servers (OpenAPI 3, also per path and operation) or host (Swagger 2) are the target.

    Returns the copy and the server URLs that were replaced. Relative server URLs (``/api``) are kept:
    they already resolve against wherever the document is served.
    """
    base = base_url.rstrip("/")
    base_has_path = bool(urlsplit(base).path.strip("/"))
    replaced: list[str] = []
    copy: dict[str, Any] = json.loads(json.dumps(document))

    def fix_servers(holder: dict[str, Any]) -> None:
        servers = holder.get("servers")
        if not isinstance(servers, list):
            return
        for server in servers:
            if not isinstance(server, dict) or "://" not in str(server.get("url", "")):
                continue
            url = str(server["url"])
            for name, variable in (server.get("variables") or {}).items():
                if isinstance(variable, dict):
                    url = url.replace("{" + str(name) + "}", str(variable.get("default", "")))
            replaced.append(str(server["url"]))
            server["url"] = base if base_has_path else base + _server_path(url)
            server.pop("variables", None)

    if "swagger" in copy:
        if copy.get("host"):
            scheme = (copy.get("schemes") or ["https"])[0]
            replaced.append(f"{scheme}://{copy['host']}{copy.get('basePath', '')}")
        parts = urlsplit(base)
        copy["host"] = parts.netloc
        copy["schemes"] = [parts.scheme]
        if base_has_path:
            copy["basePath"] = parts.path
    else:
        fix_servers(copy)
        for item in (copy.get("paths") or {}).values():
            if isinstance(item, dict):
                fix_servers(item)
                for method in METHODS:
                    if isinstance(item.get(method), dict):
                        fix_servers(item[method])
    return copy, list(dict.fromkeys(replaced))


def operations(document: dict[str, Any]) -> list[Operation]:
    """The operations of a (retargeted) document, with the server base path in front of each path."""
    if "swagger" in document:
        prefix = str(document.get("basePath") or "").rstrip("/")
    else:
        servers = document.get("servers") or [{}]
        first = servers[0] if isinstance(servers, list) and servers and isinstance(servers[0], dict) else {}
        prefix = _server_path(str(first.get("url", "")))
    found: list[Operation] = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if isinstance(item.get(method), dict):
                full = prefix + "/" + str(path).lstrip("/")
                found.append(Operation(method.upper(), full, _pattern(full)))
    return found


def _pattern(path: str) -> str:
    parts = re.split(r"(\{[^}/]+\})", path)
    return "^" + "".join("[^/]+" if re.fullmatch(r"\{[^}/]+\}", p) else re.escape(p) for p in parts) + "/?$"


def scanned(ops: list[Operation], requested: list[tuple[str, str]]) -> set[str]:
    """Names of the operations among ``requested`` (method, URL); method "" matches any method."""
    hit: set[str] = set()
    paths = [(method.upper(), urlsplit(url).path or "/") for method, url in requested]
    for op in ops:
        pattern = re.compile(op.pattern)
        if any((not method or method == op.method) and pattern.match(path) for method, path in paths):
            hit.add(op.name)
    return hit


def operation_coverage(
    ops: Iterable[Operation], requested: list[tuple[str, str]], excluded: Iterable[str]
) -> tuple[int, list[SkippedItem]]:
    """How many operations were requested, and the others (not excluded on purpose) with why not."""
    ops = list(ops)
    hit = scanned(ops, requested)
    left_out = set(excluded)
    skipped = [
        SkippedItem(name=op.name, reason=message("skip.security.not_requested"))
        for op in ops
        if op.name not in hit and op.name not in left_out
    ]
    return len(hit), skipped


def write_copy(document: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    return path
