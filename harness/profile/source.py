"""YAML profile sources: parse with line numbers, follow ``extends:``, deep-merge, interpolate ``${VAR}``.

The result is plain data plus a map from every key path to the file and line it came from, so that any
later check (pydantic, runner options, criteria syntax) can point at ``FILE:LINE: key.path``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import yaml

from harness.errors import ProfileError, ProfileIssue

KeyPath = tuple[str | int, ...]

_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|PASSPHRASE|API_?KEY|PRIVATE|CREDENTIAL", re.IGNORECASE)
_VARIABLE = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}")


@dataclass(frozen=True)
class Location:
    file: str
    line: int


@dataclass
class Source:
    """A profile's merged data with the origin of every key path."""

    data: dict[str, object]
    locations: dict[KeyPath, Location]
    root: Path  # the top profile file
    secret_values: set[str] = field(default_factory=set)  # interpolated from secret-looking variables
    secret_paths: set[KeyPath] = field(default_factory=set)

    def locate(self, path: KeyPath) -> Location:
        """The location of ``path`` or of its nearest ancestor present in the YAML."""
        segments = list(path)
        while segments:
            found = self.locations.get(tuple(segments))
            if found:
                return found
            segments.pop()
        return self.locations.get((), Location(str(self.root), 1))

    def issue(self, path: KeyPath, message: str) -> ProfileIssue:
        where = self.locate(path)
        return ProfileIssue(where.file, where.line, format_path(path), message)


ENVIRONMENT_SECRET_MIN = 8


def secret_environment(environ: Mapping[str, str]) -> set[str]:
    """Values of environment variables whose name says secret (``CI_JOB_TOKEN``, ``DB_PASSWORD``), even
    those the profile does not use: suites inherit the environment and may print it. Values shorter than
    8 characters are left out (``USE_TOKEN=true`` must not redact every "true")."""
    return {
        value
        for name, value in environ.items()
        if _SECRET_NAME.search(name) and len(value) >= ENVIRONMENT_SECRET_MIN and not value.isspace()
    }


def format_path(path: KeyPath) -> str:
    """``("suites", 2, "options")`` -> ``suites[2].options``."""
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if text else segment)
    return text


def load_source(path: Path, environ: Mapping[str, str] | None = None) -> Source:
    """Load a profile file, its ``extends:`` chain and interpolate variables.

    Raises:
        ProfileError: with every problem found (YAML syntax, extends cycles, unset variables).
    """
    env = os.environ if environ is None else environ
    path = path.resolve()
    data, locations = _load_with_extends(path, chain=())
    source = Source(data=data, locations=locations, root=path)
    issues: list[ProfileIssue] = []
    source.data = _interpolate(data, (), source, env, issues)  # type: ignore[assignment]
    if issues:
        raise ProfileError(issues)
    return source


Loader = yaml.SafeLoader | yaml.CSafeLoader
_Loader: type[Loader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it (15 times faster), else the pure-Python one; both only build plain
data (no Python objects from tags). Its C composer recurses per level: _check_shape bounds the depth first."""

MAX_PROFILE_BYTES = 1 << 20
"""A profile is a page or two of YAML; a bigger file is refused before it is parsed."""
MAX_DEPTH = 64
"""Nesting levels of mappings and lists (real profiles use fewer than 10)."""
MAX_VALUES = 100_000
"""Values in a profile once YAML aliases (``*name``) are expanded: an "alias bomb" stops here, not in memory."""
MAX_NUMBER_CHARS = 100
"""Characters of a number: Python refuses integers of more than 4,300 digits, a profile needs far fewer."""
MAX_EXTENDS = 16
"""Files in one ``extends`` chain."""


def _load_with_extends(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, object], dict[KeyPath, Location]]:
    data, locations = _parse_file(path)
    parents = data.pop("extends", None)
    if parents is None:
        return data, locations
    parent_list = parents if isinstance(parents, list) else [parents]
    merged: dict[str, object] = {}
    merged_locations: dict[KeyPath, Location] = {}
    for index, parent in enumerate(parent_list):
        key: KeyPath = ("extends", index) if isinstance(parents, list) else ("extends",)
        where = locations.get(key, locations.get(("extends",), Location(str(path), 1)))
        if not isinstance(parent, str) or not parent.strip() or "\0" in parent:
            raise ProfileError([ProfileIssue(where.file, where.line, "extends", "must be a relative file path")])
        try:
            parent_path = (path.parent / parent).resolve()
            found = parent_path.is_file()
        except OSError as exc:  # a name too long for the file system, a loop of symbolic links
            shown = parent if len(parent) <= 60 else f"{parent[:60]}..."
            message = f"cannot use {shown!r}: {exc.strerror or exc}"
            raise ProfileError([ProfileIssue(where.file, where.line, "extends", message)]) from None
        if parent_path in (*chain, path):
            cycle = " -> ".join(str(p) for p in (*chain, path, parent_path))
            raise ProfileError([ProfileIssue(where.file, where.line, "extends", f"extends cycle: {cycle}")])
        if len(chain) + 2 > MAX_EXTENDS:
            message = f"more than {MAX_EXTENDS} files extend one another; flatten the chain"
            raise ProfileError([ProfileIssue(where.file, where.line, "extends", message)])
        if not found:
            raise ProfileError([ProfileIssue(where.file, where.line, "extends", f"file not found: {parent}")])
        parent_data, parent_locations = _load_with_extends(parent_path, (*chain, path))
        merged, merged_locations = _deep_merge(merged, merged_locations, parent_data, parent_locations, ())
    locations = {k: v for k, v in locations.items() if not k or k[0] != "extends"}
    return _deep_merge(merged, merged_locations, data, locations, ())


def _read_text(path: Path) -> str:
    """The file as text, refused before parsing when it is too large, binary (NUL bytes) or not UTF-8."""
    file = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError([ProfileIssue(file, None, "", f"cannot read profile: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_PROFILE_BYTES:
        message = f"the file is larger than {MAX_PROFILE_BYTES >> 20} MiB: that is not a profile"
        raise ProfileError([ProfileIssue(file, 1, "", message)])
    nul = raw.find(b"\0")
    if nul >= 0:
        message = "a NUL byte: a profile is UTF-8 text (is this a binary or UTF-16 file?)"
        raise ProfileError([ProfileIssue(file, raw.count(b"\n", 0, nul) + 1, "", message)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the profile as UTF-8"
        raise ProfileError([ProfileIssue(file, line, "", message)]) from None


def _check_shape(text: str, file: str) -> None:
    """Walk the YAML events (no objects are built) and refuse what would exhaust the parser or memory:
    nesting deeper than MAX_DEPTH, aliases expanding to more than MAX_VALUES values (or to themselves),
    numbers longer than MAX_NUMBER_CHARS. Raises ProfileError at the offending line."""
    try:
        loader = _Loader(text)
    except yaml.YAMLError:
        return  # reported, with its line, by the parse that follows
    open_collections: list[tuple[list[int], str | None]] = []  # ([values so far], anchor) being read
    sizes: dict[str, int] = {}  # anchor -> values it expands to
    total = 0

    def refuse(event: yaml.Event, message: str) -> NoReturn:
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        raise ProfileError([ProfileIssue(file, line, "", message)])

    def add(event: yaml.Event, values: int, parent: bool = True) -> None:
        nonlocal total
        if parent and open_collections:
            open_collections[-1][0][0] += values
        total += values
        if total > MAX_VALUES:
            refuse(event, f"the YAML expands to more than {MAX_VALUES:,} values (aliases such as *name copy what "
                   "they refer to): that is not a profile")  # fmt: skip

    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                if len(open_collections) >= MAX_DEPTH:
                    refuse(event, f"nested more than {MAX_DEPTH} levels deep")
                add(event, 1, parent=False)  # the parent counts it, with its contents, when it ends
                open_collections.append(([1], event.anchor))
            elif isinstance(event, yaml.CollectionEndEvent):
                (values,), anchor = open_collections.pop()
                if anchor:
                    sizes[anchor] = values
                if open_collections:
                    open_collections[-1][0][0] += values  # already in the total, value by value
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    sizes[event.anchor] = 1
                if event.implicit[0] and len(event.value) > MAX_NUMBER_CHARS:
                    tag = loader.resolve(yaml.ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
                    if str(tag).endswith((":int", ":float")):
                        refuse(event, f"a number of {len(event.value)} characters; numbers in a profile are short")
                add(event, 1)
            elif isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for _, anchor in open_collections):
                    refuse(event, f"alias *{event.anchor} refers to the value that contains it")
                add(event, sizes.get(event.anchor or "", 1))
    except yaml.YAMLError:
        return  # syntax errors are reported, with their line, by the parse that follows
    finally:
        loader.dispose()


def _parse_file(path: Path) -> tuple[dict[str, object], dict[KeyPath, Location]]:
    file = str(path)
    text = _read_text(path)
    _check_shape(text, file)
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise ProfileError([ProfileIssue(file, _error_line(exc, text), "", f"invalid YAML: {_first_line(exc)}")]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise ProfileError([ProfileIssue(file, 1, "", "the profile is empty")])
        locations: dict[KeyPath, Location] = {(): Location(file, node.start_mark.line + 1)}
        issues: list[ProfileIssue] = []
        data = _to_python(node, (), loader, file, locations, issues)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ProfileError([ProfileIssue(file, line, "", f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:  # the reader's "unacceptable character", with a position but no mark
        raise ProfileError([ProfileIssue(file, _error_line(exc, text), "", f"invalid YAML: {_first_line(exc)}")]) from None
    except RecursionError:
        raise ProfileError([ProfileIssue(file, 1, "", "the YAML is nested too deeply")]) from None
    finally:
        loader.dispose()
    if issues:
        raise ProfileError(issues)
    if not isinstance(data, dict):
        raise ProfileError([ProfileIssue(file, 1, "", "the profile must be a mapping of keys to values")])
    return data, locations


def _error_line(exc: yaml.YAMLError, text: str) -> int:
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1


def _first_line(exc: yaml.YAMLError) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _to_python(
    node: yaml.Node,
    path: KeyPath,
    loader: Loader,
    file: str,
    locations: dict[KeyPath, Location],
    issues: list[ProfileIssue],
) -> object:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<: *anchor)
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = _scalar(key_node, loader, file, path, issues) if isinstance(key_node, yaml.ScalarNode) else key_node
            if not isinstance(key, str):
                shown = repr(key) if not isinstance(key, yaml.Node) else "a mapping or list"
                issues.append(ProfileIssue(file, line, format_path(path), f"keys must be text, got {shown}"))
                continue
            if key in result:
                issues.append(ProfileIssue(file, line, format_path((*path, key)), "duplicate key"))
                continue
            locations[(*path, key)] = Location(file, line)
            result[key] = _to_python(value_node, (*path, key), loader, file, locations, issues)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            locations[(*path, index)] = Location(file, item.start_mark.line + 1)
            items.append(_to_python(item, (*path, index), loader, file, locations, issues))
        return items
    return _scalar(node, loader, file, path, issues)


def _scalar(node: yaml.Node, loader: Loader, file: str, path: KeyPath, issues: list[ProfileIssue]) -> object:
    """A scalar's value; one that YAML cannot build (``2024-13-45``, ``!!float abc``) or that JSON has no
    place for (``!!binary``, ``!!set``) is an issue at its line."""
    line = node.start_mark.line + 1
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, TypeError) as exc:
        issues.append(ProfileIssue(file, line, format_path(path), f"cannot read {node.value!r}: {exc}"))
        return None
    if isinstance(value, bytes | bytearray | set):
        issues.append(ProfileIssue(file, line, format_path(path), f"{node.tag} values are not supported here"))
        return None
    return value


def _merge_by_name(items: list[object]) -> bool:
    return bool(items) and all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items)


def _deep_merge(
    base: dict[str, object],
    base_locations: dict[KeyPath, Location],
    overlay: dict[str, object],
    overlay_locations: dict[KeyPath, Location],
    prefix: KeyPath,
) -> tuple[dict[str, object], dict[KeyPath, Location]]:
    """Overlay wins; mappings merge recursively; lists of named mappings (suites) merge by ``name``."""
    merged = dict(base)
    locations = dict(base_locations)
    for key, value in overlay.items():
        path = (*prefix, key)
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            sub_base = {k[len(path) :]: v for k, v in locations.items() if k[: len(path)] == path}
            sub_overlay = {k[len(path) :]: v for k, v in overlay_locations.items() if k[: len(path)] == path}
            merged_value, sub = _deep_merge(old, sub_base, value, sub_overlay, ())
            locations = {k: v for k, v in locations.items() if k[: len(path)] != path}
            locations.update({(*path, *k): v for k, v in sub.items()})
            merged[key] = merged_value
        elif isinstance(old, list) and isinstance(value, list) and _merge_by_name(old) and _merge_by_name(value):
            merged[key], locations = _merge_named_lists(old, value, path, locations, overlay_locations)
        else:
            merged[key] = value
            locations = {k: v for k, v in locations.items() if k[: len(path)] != path}
            locations.update({k: v for k, v in overlay_locations.items() if k[: len(path)] == path})
    if prefix == ():
        locations.setdefault((), overlay_locations.get((), base_locations.get((), Location("", 1))))
    return merged, locations


def _merge_named_lists(
    old: list[object],
    new: list[object],
    path: KeyPath,
    locations: dict[KeyPath, Location],
    overlay_locations: dict[KeyPath, Location],
) -> tuple[list[object], dict[KeyPath, Location]]:
    """Items of ``new`` replace-merge the same-named items of ``old``; new names are appended."""
    result: list[object] = list(old)
    index_of = {item["name"]: i for i, item in enumerate(old)}  # type: ignore[index]
    out_locations = dict(locations)
    for new_index, item in enumerate(new):
        assert isinstance(item, dict)
        item_path = (*path, new_index)
        item_locs = {k[len(item_path) :]: v for k, v in overlay_locations.items() if k[: len(item_path)] == item_path}
        name = item["name"]
        if name in index_of:
            target = index_of[name]
            target_path = (*path, target)
            old_locs = {
                k[len(target_path) :]: v for k, v in out_locations.items() if k[: len(target_path)] == target_path
            }
            merged_item, merged_locs = _deep_merge(result[target], old_locs, item, item_locs, ())  # type: ignore[arg-type]
            result[target] = merged_item
            out_locations = {k: v for k, v in out_locations.items() if k[: len(target_path)] != target_path}
            out_locations.update({(*target_path, *k): v for k, v in merged_locs.items()})
        else:
            index_of[name] = len(result)
            target_path = (*path, len(result))
            result.append(item)
            out_locations.update({(*target_path, *k): v for k, v in item_locs.items()})
    return result, out_locations


def _interpolate(
    value: object, path: KeyPath, source: Source, env: Mapping[str, str], issues: list[ProfileIssue]
) -> object:
    if isinstance(value, dict):
        return {k: _interpolate(v, (*path, k), source, env, issues) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, (*path, i), source, env, issues) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def replace(match: re.Match[str]) -> str:
        escaped, name, operator, default = match.groups()
        if escaped:
            return match.group(0)[1:]  # $${X} is a literal ${X}
        current = env.get(name)
        if current is None or (operator == ":-" and current == ""):
            if operator is None:
                issues.append(source.issue(path, f"environment variable {name} is not set (and has no default)"))
                return ""
            current = default
        elif _SECRET_NAME.search(name):
            source.secret_paths.add(path)
            if current:
                source.secret_values.add(current)
        return current

    return _VARIABLE.sub(replace, value)
