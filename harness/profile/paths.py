"""Paths written in a profile are relative to the file that writes them.

A value written in a base file that a profile ``extends`` keeps the base file's folder, however far away
the extending profile lives (Compose and Taurus resolve paths the same way). Runners mark the option
fields that hold paths with a :class:`PathSpec` in the field's ``Annotated`` type::

    locustfile: Annotated[str, PathSpec("locustfile")] = Field(description="relative to the profile")

The plan then rewrites every marked relative value into an absolute path (:func:`resolve_paths`) and
reports the ones that do not exist (:func:`path_issues`), each at the FILE:LINE of the file and key that
wrote it, so ``harness validate`` refuses what the run would refuse.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from harness.errors import ProfileIssue
from harness.profile.source import KeyPath, Source

PathKind = Literal["file", "dir", "any", "pattern"]


@dataclass(frozen=True)
class PathSpec:
    """Marks an option field (``str``, ``str | None`` or ``list[str]``) as holding paths.

    - ``what`` names the value in messages ("locustfile", "checklist", "test path");
    - ``kind``: ``file``, ``dir``, ``any`` (either), or ``pattern`` (a glob that must match something);
    - ``node_ids``: a value may end in ``::name`` (a pytest node id); only the part before it is a path;
    - ``urls``: a value with ``://``, or starting with ``/`` (a path on the target), is not a file; ``file:``
      before a value says it is one;
    - ``required``: whether a missing file is an error (``False`` for a file the harness creates, such as
      recorded UAT results).
    """

    what: str = "file"
    kind: PathKind = "file"
    node_ids: bool = False
    urls: bool = False
    required: bool = True


@dataclass(frozen=True)
class DeclaredPath:
    """One path value of the options: where it was written, as written, and resolved."""

    key: KeyPath  # e.g. ("suites", 0, "options", "paths", 1)
    spec: PathSpec
    written: str
    resolved: str  # absolute (or the value itself when it is a URL / a path on the target)
    declared_in: Path  # the file that wrote it (relative values are relative to its folder)

    @property
    def file_part(self) -> Path | None:
        """The path on disk the value names (None for a URL or a path on the target)."""
        text = self.resolved
        if self.spec.urls:
            if text.startswith("file:"):
                text = text.removeprefix("file://").removeprefix("file:")
            elif "://" in text or text.startswith("/"):
                return None
        if self.spec.node_ids:
            text = text.split("::", 1)[0]
        return Path(text)


def spec_of(model: type[BaseModel], name: str) -> PathSpec | None:
    field = model.model_fields.get(name)
    if field is None:
        return None
    return next((m for m in field.metadata if isinstance(m, PathSpec)), None)


def _resolve(value: str, spec: PathSpec, folder: Path) -> str:
    if spec.urls:
        if value.startswith("file:"):
            rest = value.removeprefix("file://").removeprefix("file:")
            return "file:" + os.path.normpath(folder / Path(rest).expanduser())
        if "://" in value or value.startswith("/"):
            return value
        if value:  # a relative file: marked as one, or the runner would take '/abs/x' for a path on the target
            return "file:" + os.path.normpath(folder / Path(value).expanduser())
    return os.path.normpath(folder / Path(value).expanduser()) if value else value


def _declared(options: BaseModel, source: Source, prefix: KeyPath) -> Iterator[tuple[str, DeclaredPath | list[DeclaredPath]]]:
    """Each marked field of ``options`` (and of its sub-models) with its values resolved."""
    model = type(options)
    for name in model.model_fields:
        value = getattr(options, name)
        key = (*prefix, name)
        spec = spec_of(model, name)
        if spec is None:
            continue
        if isinstance(value, str):
            file = Path(source.locate(key).file)
            yield name, DeclaredPath(key, spec, value, _resolve(value, spec, file.parent), file)
        elif isinstance(value, list | tuple):
            items = []
            for index, item in enumerate(value):
                if isinstance(item, str):
                    file = Path(source.locate((*key, index)).file)
                    items.append(DeclaredPath((*key, index), spec, item, _resolve(item, spec, file.parent), file))
            yield name, items


def resolve_paths(options: BaseModel, source: Source, prefix: KeyPath) -> BaseModel:
    """``options`` with every marked relative path made absolute against the folder of the file that wrote it.

    ``prefix`` is where the options sit in the profile (``("suites", 2, "options")``).
    """
    updates: dict[str, object] = {}
    for name, found in _declared(options, source, prefix):
        updates[name] = [d.resolved for d in found] if isinstance(found, list) else found.resolved
    for name in type(options).model_fields:
        value = getattr(options, name)
        if isinstance(value, BaseModel) and name not in updates:
            resolved = resolve_paths(value, source, (*prefix, name))
            if resolved is not value:
                updates[name] = resolved
    return options.model_copy(update=updates) if updates else options


def declared_paths(options: BaseModel, source: Source, prefix: KeyPath) -> list[DeclaredPath]:
    """Every marked path value of ``options``, as written and resolved."""
    found: list[DeclaredPath] = []
    for _, declared in _declared(options, source, prefix):
        found += declared if isinstance(declared, list) else [declared]
    for name in type(options).model_fields:
        value = getattr(options, name)
        if isinstance(value, BaseModel):
            found += declared_paths(value, source, (*prefix, name))
    return found


def missing_message(declared: DeclaredPath) -> str | None:
    """What is wrong with one path value, or None when it names what it should."""
    path = declared.file_part
    spec = declared.spec
    if path is None or not spec.required:
        return None
    text = str(path)
    try:
        if spec.kind == "pattern" and glob.has_magic(text):
            problem = None if glob.glob(text, recursive=True) else "missing"
        elif spec.kind == "file":
            problem = None if path.is_file() else ("a directory, not a file" if path.is_dir() else "missing")
        elif spec.kind == "dir":
            problem = None if path.is_dir() else ("a file, not a directory" if path.exists() else "missing")
        else:
            problem = None if path.exists() else "missing"
    except OSError as exc:  # a name too long, a loop of symbolic links
        return f"cannot use {spec.what} {path}: {exc.strerror or exc}"
    if problem is None:
        return None
    written = declared.written
    where = declared.declared_in
    relative = "" if Path(written).is_absolute() else f" ({written!r} is relative to {where.name}'s folder {where.parent})"
    if problem == "missing":
        verb = "matches nothing" if spec.kind == "pattern" and glob.has_magic(text) else "not found"
        return f"{spec.what} {verb}: {path}{relative}"
    return f"{spec.what} {path} is {problem}{relative}"


def path_issues(options: BaseModel, source: Source, prefix: KeyPath) -> list[ProfileIssue]:
    """A located issue for every marked path that does not exist (at the file and line that wrote it).

    Give the options as written (before :func:`resolve_paths`), so the messages quote what was written."""
    issues: list[ProfileIssue] = []
    for declared in declared_paths(options, source, prefix):
        problem = missing_message(declared)
        if problem:
            issues.append(source.issue(declared.key, problem))
    return issues


def declared_folder(source: Source, key: KeyPath) -> Path:
    """The folder of the file that wrote ``key`` (the top profile's for a key no file wrote)."""
    return Path(source.locate(key).file).parent
