"""The requests a parallel run replays: a YAML/JSON list of requests, or a HAR file (docs/parallel-run.md).

An OpenAPI document (3.x or Swagger 2, JSON or YAML) gives one GET request per operation that needs no
value the document does not give: path and required query parameters are filled from their ``example``,
``examples``, ``default`` or first ``enum`` value; other operations are skipped (and counted). Only GET is
derived: replaying writes needs the order and the bodies a request file states.

A request file is a list (or ``{requests: [...]}``) of ``{name, method, path, headers, json | body}``;
``path`` is relative to each system's base URL. A HAR file (HTTP Archive 1.2, as browsers' developer
tools and proxies export it) gives its entries of one origin — the most frequent one, unless ``origin``
names another — with the URL's path and query; the headers that belong to the recording and not to the
request (HTTP/2 pseudo-headers, Host, Content-Length, Cookie, Authorization, ...) are left out: each
system authenticates with its own ``auth``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

_DROPPED_HEADERS = frozenset(
    {
        "host", "content-length", "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer",
        "proxy-connection", "cookie", "authorization", "proxy-authorization", "accept-encoding", "if-none-match",
        "if-modified-since",
    }
)  # fmt: skip


class RequestSetError(ValueError):
    """The request set cannot be read; the message says where and what to do."""


@dataclass(frozen=True)
class Replay:
    """One request to send to every system."""

    name: str
    method: str
    path: str  # path and query, relative to a system's base URL
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    has_json: bool = False
    body: str | None = None

    @property
    def label(self) -> str:
        return self.name or f"{self.method} {self.path}"


class _RequestSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = ""
    method: str = Field(default="GET", pattern=r"^[A-Za-z]+$")
    path: str = Field(pattern=r"^/")
    headers: dict[str, str] = Field(default_factory=dict)
    json_body: Any = Field(default=None, alias="json")
    body: str | None = None


@dataclass(frozen=True)
class RequestSet:
    requests: tuple[Replay, ...]
    skipped: int = 0  # HAR entries of other origins, or not HTTP(S); OpenAPI operations that cannot be filled
    origin: str = ""  # the HAR origin replayed
    openapi: bool = False  # derived from an OpenAPI document


def load_request_set(path: Path, origin: str = "") -> RequestSet:
    """Read a request file or a HAR file (by content: a JSON object with ``log.entries`` is a HAR).

    Raises:
        RequestSetError: the file cannot be read, is not YAML/JSON, or a request is invalid (which one, why).
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RequestSetError(f"{path}: cannot read the request set ({exc})") from None
    try:
        data = json.loads(raw) if path.suffix.lower() in (".har", ".json") else yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError) as exc:
        raise RequestSetError(f"{path}: not valid {'JSON' if path.suffix != '.yaml' else 'YAML'}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("log"), dict):
        found = _from_har(data["log"], origin, path)
    elif isinstance(data, dict) and isinstance(data.get("paths"), dict) and ("openapi" in data or "swagger" in data):
        found = _from_openapi(data["paths"])
    else:
        found = RequestSet(_from_list(data, path))
    if not found.requests:
        raise RequestSetError(f"{path}: the request set has no request to replay")
    return found


def _from_list(data: object, path: Path) -> tuple[Replay, ...]:
    items = data.get("requests") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise RequestSetError(f"{path}: give a list of requests (or a mapping with 'requests:'), or a HAR file")
    found: list[Replay] = []
    for index, item in enumerate(items):
        try:
            spec = _RequestSpec.model_validate(item)
        except ValidationError as exc:
            problem = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}" for e in exc.errors())
            raise RequestSetError(f"{path}: request {index + 1}: {problem}") from None
        if spec.json_body is not None and spec.body is not None:
            raise RequestSetError(f"{path}: request {index + 1}: give json or body, not both")
        has_json = isinstance(item, dict) and "json" in item
        found.append(
            Replay(spec.name, spec.method.upper(), spec.path, spec.headers, spec.json_body, has_json, spec.body)
        )
    return tuple(found)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _from_har(log: dict[str, Any], origin: str, path: Path) -> RequestSet:
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise RequestSetError(f"{path}: a HAR file needs log.entries (a list)")
    requests: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict) or not isinstance(request.get("url"), str):
            raise RequestSetError(f"{path}: log.entries[{index}] has no request.url")
        requests.append(request)
    web = [r for r in requests if urlsplit(r["url"]).scheme in ("http", "https")]
    chosen = origin.rstrip("/").lower() or (Counter(_origin(r["url"]) for r in web).most_common(1) or [("", 0)])[0][0]
    found = tuple(_har_replay(r) for r in web if _origin(r["url"]) == chosen)
    return RequestSet(found, skipped=len(requests) - len(found), origin=chosen)


def _har_replay(request: dict[str, Any]) -> Replay:
    parts = urlsplit(request["url"])
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        str(h["name"]): str(h.get("value", ""))
        for h in request.get("headers", [])
        if isinstance(h, dict) and "name" in h
        and not str(h["name"]).startswith(":") and str(h["name"]).lower() not in _DROPPED_HEADERS
    }  # fmt: skip
    method = str(request.get("method", "GET")).upper()
    post = request.get("postData")
    if not isinstance(post, dict):
        return Replay("", method, target, headers)
    mime = str(post.get("mimeType", ""))
    text = post.get("text")
    if not isinstance(text, str) and isinstance(post.get("params"), list):
        text = urlencode([(str(p.get("name", "")), str(p.get("value", ""))) for p in post["params"]])
    if mime and not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = mime
    if isinstance(text, str) and "json" in mime.lower():
        try:
            return Replay("", method, target, headers, json.loads(text), True)
        except ValueError:
            pass
    return Replay("", method, target, headers, body=text if isinstance(text, str) else None)


_FILLED_FROM = ("example", "default")


def _parameter_value(parameter: dict[str, Any]) -> str | None:
    """The example value of a parameter, from the parameter or its schema; None when it gives none."""
    for source in (parameter, parameter.get("schema") if isinstance(parameter.get("schema"), dict) else {}):
        assert isinstance(source, dict)
        for key in _FILLED_FROM:
            if key in source and source[key] is not None:
                return str(source[key]).lower() if isinstance(source[key], bool) else str(source[key])
        examples = source.get("examples")
        if isinstance(examples, dict) and examples:
            first = next(iter(examples.values()))
            if isinstance(first, dict) and "value" in first:
                return str(first["value"])
        if isinstance(examples, list) and examples:
            return str(examples[0])
        enum = source.get("enum")
        if isinstance(enum, list) and enum:
            return str(enum[0])
    return None


def _from_openapi(paths: dict[str, Any]) -> RequestSet:
    found: list[Replay] = []
    skipped = 0
    for template, item in paths.items():
        if not isinstance(item, dict) or not isinstance(template, str):
            continue
        operation = item.get("get")
        if not isinstance(operation, dict):
            continue
        parameters = [p for p in [*item.get("parameters", []), *operation.get("parameters", [])] if isinstance(p, dict)]
        path, query, missing = template, [], False
        for parameter in parameters:
            where, name = parameter.get("in"), str(parameter.get("name", ""))
            if where not in ("path", "query"):
                continue
            value = _parameter_value(parameter)
            if value is None:
                missing = missing or where == "path" or bool(parameter.get("required"))
                continue
            if where == "path":
                path = path.replace("{" + name + "}", quote(value, safe=""))
            elif parameter.get("required"):
                query.append((name, value))
        if missing or "{" in path:
            skipped += 1
            continue
        target = path + (f"?{urlencode(query)}" if query else "")
        found.append(Replay("", "GET", target))
    return RequestSet(tuple(found), skipped=skipped, openapi=True)
