"""Load a profile file into a validated :class:`Profile`, with every error located as FILE:LINE: key.path."""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import BaseModel, SecretStr, ValidationError

from harness.errors import ProfileError, ProfileIssue
from harness.profile.model import BasicAuth, LoginAuth, Profile, Suite, Target
from harness.profile.paths import declared_folder
from harness.profile.scope import Scope
from harness.profile.source import KeyPath, Source, load_source
from harness.redaction import REDACTED


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile and what the rest of the run needs to know about where it came from."""

    profile: Profile
    source: Source
    name: str  # the file's stem: names the run directory
    path: Path
    resolved: dict[str, object]  # the merged, interpolated profile with secrets replaced by ***
    sha256: str
    secrets: frozenset[str]  # every secret value, for redaction of logs and captured output

    @property
    def base_dir(self) -> Path:
        """The top profile file's folder. A relative path is relative to the file that writes it: use
        :meth:`path_of` for values the profile model holds, runner options are resolved by the plan."""
        return self.path.parent

    def path_of(self, key: KeyPath, value: str) -> Path:
        """``value``, written at ``key``, as a path: a relative one against the folder of the file that wrote it
        (a base file reached through ``extends`` keeps its own folder)."""
        return Path(os.path.normpath(declared_folder(self.source, key) / Path(value).expanduser()))

    @property
    def output_dir(self) -> Path:
        """The base folder of run directories: ``output.dir`` (relative to the file that writes it), else
        ``reports`` in the working directory."""
        if ("output", "dir") in self.source.locations:
            return self.path_of(("output", "dir"), self.profile.output.dir)
        return Path(self.profile.output.dir)


def load_profile(path: Path, environ: Mapping[str, str] | None = None) -> LoadedProfile:
    """Read, merge, interpolate and validate a profile.

    Raises:
        ProfileError: listing every problem found, each with file, line and key path.
    """
    if not path.is_file():
        raise ProfileError([ProfileIssue(str(path), None, "", "profile file not found")])
    source = load_source(path, environ)
    try:
        profile = Profile.model_validate(source.data)
    except ValidationError as exc:
        issues = validation_issues(exc, source, Profile, ())
        raise ProfileError(issues + _issues_of_valid_parts(source), source=source) from None
    issues = _duplicate_suites(list(enumerate(profile.suites)), source) + _scope_issues(profile.target, source)
    if issues:
        raise ProfileError(issues, source=source)
    option_secrets = _auth_in_options(source.data) | _url_passwords_in_options(source.data)
    source.secret_paths.update(option_secrets)
    resolved = _redacted_dump(profile, source)
    digest = hashlib.sha256(json.dumps(resolved, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    secrets = frozenset(
        source.secret_values
        | _secret_field_values(profile)
        | _derived_secrets(profile.target)
        | {value for value in option_secrets.values() if value}
    )
    return LoadedProfile(profile, source, path.stem, path.resolve(), resolved, digest, secrets)


def validation_issues(
    exc: ValidationError, source: Source, model: type[BaseModel], prefix: KeyPath
) -> list[ProfileIssue]:
    """Turn pydantic errors into located issues; ``prefix`` is where ``model``'s data sits in the profile."""
    merged: dict[KeyPath, list[str]] = {}
    specific: set[KeyPath] = set()  # paths with a value error: the type errors of other union members are noise
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        path = (*prefix, *_data_path(source.data, prefix, loc))
        if error["type"] == "extra_forbidden":
            message = _unknown_key_message(model, loc)
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "value_error":
            path = _named_key(source.data, path, message)
            specific.add(path)
        messages = merged.setdefault(path, [])
        if message not in messages:
            messages.append(message)
    for path in specific:
        merged[path] = [m for m in merged[path] if not m.startswith("Input should be")] or merged[path]
    return [source.issue(path, " or ".join(messages)) for path, messages in merged.items()]


def _data_path(data: object, prefix: KeyPath, loc: KeyPath) -> KeyPath:
    """Drop pydantic's union-member tags from ``loc`` so it names keys that exist in the YAML."""
    current: object = data
    for segment in prefix:
        current = _child(current, segment)
    path: list[str | int] = []
    for position, segment in enumerate(loc):
        child = _child(current, segment)
        if child is not _MISSING:
            path.append(segment)
            current = child
        elif position == len(loc) - 1 and isinstance(current, dict):
            path.append(segment)  # a missing key: name it, locate its parent
    return tuple(path)


_MISSING = object()


def _named_key(data: object, path: KeyPath, message: str) -> KeyPath:
    """A whole mapping's error that names one of its keys (``'openapi' is only used in mode 'api'``) is
    located at that key: with ``extends``, the file and line that wrote it, not where the mapping began."""
    current = data
    for segment in path:
        current = _child(current, segment)
    if isinstance(current, dict):
        for name in re.findall(r"'([A-Za-z_][A-Za-z0-9_]*)'", message):
            if name in current:
                return (*path, name)
    return path


def _child(value: object, segment: str | int) -> object:
    if isinstance(value, dict) and segment in value:
        return value[segment]
    if isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
        return value[segment]
    return _MISSING


def _unknown_key_message(model: type[BaseModel], loc: KeyPath) -> str:
    key = str(loc[-1])
    allowed = _fields_at(model, loc[:-1])
    if not allowed:
        return f"unknown key {key!r}"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r} (did you mean {close[0]!r}?)"
    return f"unknown key {key!r}; allowed keys: {', '.join(sorted(allowed))}"


def _fields_at(annotation: object, loc: KeyPath) -> list[str]:
    """The keys allowed at ``loc`` inside ``annotation``, following pydantic's loc conventions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _fields_at(typing.get_args(annotation)[0], loc)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(annotation) if m is not type(None)]
        if loc:
            for member in members:  # a discriminated union puts the tag into the loc
                if isinstance(member, type) and issubclass(member, BaseModel):
                    tag = member.model_fields.get("type")
                    if tag is not None and loc[0] in typing.get_args(tag.annotation):
                        return _fields_at(member, loc[1:])
        for member in members:
            found = _fields_at(member, loc)
            if found:
                return found
        return []
    if origin in (list, tuple, set, frozenset):
        return _fields_at(typing.get_args(annotation)[0], loc[1:]) if loc else []
    if origin is dict:
        return _fields_at(typing.get_args(annotation)[1], loc[1:]) if loc else []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not loc:
            return list(annotation.model_fields)
        field = annotation.model_fields.get(str(loc[0]))
        return _fields_at(field.annotation, loc[1:]) if field else []
    return []


def valid_suites(source: Source) -> list[tuple[int, Suite]]:
    """The suites that are valid on their own, with their index (to check them further when others are not)."""
    raw = source.data.get("suites")
    found: list[tuple[int, Suite]] = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            found.append((index, Suite.model_validate(item)))
        except ValidationError:
            continue
    return found


def _issues_of_valid_parts(source: Source) -> list[ProfileIssue]:
    """Semantic checks of the parts that validated, so one `validate` shows every problem at once."""
    issues = _duplicate_suites(valid_suites(source), source)
    with contextlib.suppress(ValidationError):
        issues += _scope_issues(Target.model_validate(source.data.get("target")), source)
    return issues


def _duplicate_suites(suites: list[tuple[int, Suite]], source: Source) -> list[ProfileIssue]:
    issues: list[ProfileIssue] = []
    seen: set[str] = set()
    for index, suite in suites:
        if suite.name in seen:
            issues.append(source.issue(("suites", index, "name"), f"suite name {suite.name!r} is already used"))
        seen.add(suite.name)
    return issues


def _scope_issues(target: Target, source: Source) -> list[ProfileIssue]:
    """What the run would refuse as outside the scope, said by ``validate`` first."""
    scope = Scope(target.effective_scope())
    issues: list[ProfileIssue] = []
    if target.base_url:
        host = urlsplit(target.base_url).hostname or ""
        if not scope.allows_host(host):
            message = (
                f"host {host!r} is outside target.scope {target.effective_scope()}; the harness refuses to contact it"
            )
            issues.append(source.issue(("target", "base_url"), message))
    elif target.start == "demo" and not scope.allows_host("127.0.0.1"):
        message = "the demo target listens on 127.0.0.1, which target.scope does not allow; add 127.0.0.1 to it"
        issues.append(source.issue(("target", "scope"), message))
    if isinstance(target.auth, LoginAuth) and "://" in target.auth.url:
        problem = scope.problem(target.auth.url)
        if problem:
            issues.append(source.issue(("target", "auth", "url"), f"{problem}; the login would be refused"))
    return issues


def _redacted_dump(profile: Profile, source: Source) -> dict[str, object]:
    dumped = profile.model_dump(mode="json")
    for path in source.secret_paths:
        parent: object = dumped
        for segment in path[:-1]:
            parent = _child(parent, segment)
        last = path[-1]
        if isinstance(parent, dict) and last in parent:
            parent[last] = REDACTED
        elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = REDACTED
    return dumped


_SECRET_PARAMETER = re.compile(r"token|secret|passw|key|sig|auth|credential|session|code", re.IGNORECASE)


def _derived_secrets(target: Target) -> set[str]:
    """Secrets in shapes of their own: the ``user:password`` pair of basic auth (sent base64-encoded),
    and values of query parameters of the base URL whose name says secret (``?api_key=...``)."""
    found: set[str] = set()
    if isinstance(target.auth, BasicAuth):
        found.add(f"{target.auth.username}:{target.auth.password.get_secret_value()}")
    if target.base_url:
        for name, value in parse_qsl(urlsplit(target.base_url).query, keep_blank_values=False):
            if _SECRET_PARAMETER.search(name) and value:
                found.add(value)
    return found


_AUTH_SECRETS = {"login": ("password",), "basic": ("password",), "bearer": ("token",), "header": ("value",)}


def _auth_in_options(data: object, path: KeyPath = ()) -> dict[KeyPath, str]:
    """The secrets of auth mappings inside suites' options (``kind: access-control`` roles log in with the
    target's auth kinds): ``{type: login, password: ...}`` and friends, by key path. The options are plain
    data for the profile model, so its ``SecretStr`` fields do not cover them."""
    found: dict[KeyPath, str] = {}
    if isinstance(data, dict):
        if not path:
            suites = data.get("suites")
            return _auth_in_options(suites, ("suites",)) if isinstance(suites, list) else {}
        kind = data.get("type")
        if len(path) > 2 and path[2] == "options" and isinstance(kind, str) and kind in _AUTH_SECRETS:
            for key in _AUTH_SECRETS[kind]:
                if isinstance(data.get(key), str):
                    found[(*path, key)] = data[key]
        for key, value in data.items():
            found |= _auth_in_options(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found |= _auth_in_options(item, (*path, index))
    return found


_URL_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@:\s]*:(?P<password>[^@/\s]+)@")


def _url_passwords_in_options(data: object, path: KeyPath = ()) -> dict[KeyPath, str]:
    """Passwords inside URLs in suites' options (``kind: parallel-run`` databases,
    ``postgresql://user:password@host/db``): the whole URL is redacted in the resolved profile, the password
    wherever it appears."""
    found: dict[KeyPath, str] = {}
    if not path:
        suites = data.get("suites") if isinstance(data, dict) else None
        return _url_passwords_in_options(suites, ("suites",)) if isinstance(suites, list) else {}
    if isinstance(data, dict):
        for key, value in data.items():
            found |= _url_passwords_in_options(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found |= _url_passwords_in_options(item, (*path, index))
    elif isinstance(data, str) and len(path) > 2 and path[2] == "options":
        match = _URL_PASSWORD.match(data)
        if match:
            found[path] = unquote(match.group("password"))
    return found


def _secret_field_values(model: object) -> set[str]:
    found: set[str] = set()
    if isinstance(model, SecretStr):
        value = model.get_secret_value()
        if value:
            found.add(value)
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            found |= _secret_field_values(getattr(model, name))
    elif isinstance(model, list | tuple):
        for item in model:
            found |= _secret_field_values(item)
    elif isinstance(model, dict):
        for item in model.values():
            found |= _secret_field_values(item)
    return found
