"""Field-by-field comparison of two answers to the same request (pure: no network).

The HTTP status, the chosen headers and the JSON body are compared; each field that differs is one
:class:`FieldDiff` with both values. Rules (:class:`~harness.runners.parallel.options.FieldRule`) say which
fields are ignored, which numbers are equal within a tolerance, which parts of strings are blanked by a
regex first, and which arrays are compared without regard to order. A body that is not JSON is compared
as text, as one field ``$``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.runners.parallel.options import CompareOptions, FieldRule
from harness.runners.parallel.paths import STATUS, FieldPath, Pattern, header_path, parse_pattern

ABSENT = "(absent)"  # the value shown for a field one side does not have
_BLANK = "\u2026"  # what a rule's regex leaves of the parts it matches


@dataclass(frozen=True)
class Answer:
    """One system's answer to one request; ``problem`` is set when there was none (connection failed)."""

    status: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names
    body: Any = None  # the parsed JSON body, when ``is_json``
    text: str = ""
    is_json: bool = False
    problem: str = ""

    @property
    def shown(self) -> str:
        return self.problem or f"HTTP {self.status}"


@dataclass(frozen=True)
class FieldDiff:
    """A field whose values differ: ``left`` and ``right`` are JSON texts (or :data:`ABSENT`), cut to a
    limit with the length noted; ``ignored`` when a rule says not to compare it (listed, not counted)."""

    path: str
    left: str
    right: str
    ignored: bool = False
    reason: str = ""  # the ignore rule's reason


@dataclass(frozen=True)
class _Rules:
    rules: tuple[tuple[Pattern, FieldRule], ...]

    def at(self, path: FieldPath) -> list[FieldRule]:
        return [rule for pattern, rule in self.rules if pattern.matches(path)]

    def ignore(self, path: FieldPath) -> FieldRule | None:
        return next((rule for rule in self.at(path) if rule.ignore), None)


def compare(left: Answer, right: Answer, options: CompareOptions, limit: int = 200) -> list[FieldDiff]:
    """Every field that differs between ``left`` and ``right``, in the order of the answers."""
    rules = _Rules(tuple((parse_pattern(r.path), r) for r in options.all_rules()))
    walker = _Walker(rules, limit)
    if left.problem or right.problem:
        if left.shown != right.shown:
            walker.emit(STATUS, left.shown, right.shown)
        return walker.found
    if options.status and left.status != right.status:
        walker.leaf(STATUS, left.status, right.status)
    for name in options.headers:
        key = name.lower()
        walker.leaf(header_path(key), left.headers.get(key, _Missing()), right.headers.get(key, _Missing()))
    if left.is_json and right.is_json:
        walker.walk(FieldPath(), left.body, right.body)
    else:
        walker.leaf(FieldPath(), left.body if left.is_json else left.text, right.body if right.is_json else right.text)
    return walker.found


class _Missing:
    """A field one side does not have."""


class _Walker:
    def __init__(self, rules: _Rules, limit: int) -> None:
        self.rules = rules
        self.limit = limit
        self.found: list[FieldDiff] = []

    def emit(self, path: FieldPath, left: object, right: object, ignored: FieldRule | None = None) -> None:
        self.found.append(
            FieldDiff(
                str(path),
                left if isinstance(left, str) and path == STATUS else shown(left, self.limit),
                right if isinstance(right, str) and path == STATUS else shown(right, self.limit),
                ignored is not None,
                (ignored.reason or ignored.path) if ignored is not None else "",
            )
        )

    def walk(self, path: FieldPath, left: object, right: object) -> None:
        ignored = self.rules.ignore(path)
        if ignored is not None:
            if not _same(left, right):
                self.emit(path, left, right, ignored)
            return
        if isinstance(left, dict) and isinstance(right, dict):
            for key in [*left, *(k for k in right if k not in left)]:
                self.walk(path.child(key), left.get(key, _Missing()), right.get(key, _Missing()))
        elif isinstance(left, list) and isinstance(right, list):
            if any(rule.unordered for rule in self.rules.at(path)):
                left, right = self._sorted(path, left), self._sorted(path, right)
            for index in range(max(len(left), len(right))):
                self.walk(
                    path.child(index),
                    left[index] if index < len(left) else _Missing(),
                    right[index] if index < len(right) else _Missing(),
                )
        else:
            self.leaf(path, left, right)

    def leaf(self, path: FieldPath, left: object, right: object) -> None:
        rules = self.rules.at(path)
        ignored = next((rule for rule in rules if rule.ignore), None)
        if ignored is not None:
            if not _same(left, right):
                self.emit(path, left, right, ignored)
            return
        if not _equal(left, right, rules):
            self.emit(path, left, right)

    def _sorted(self, path: FieldPath, items: list[Any]) -> list[Any]:
        """The array in a canonical order: by each element as compared (ignored fields left out)."""
        return sorted(items, key=lambda item: json.dumps(self._canonical(path.child(0), item), sort_keys=True))

    def _canonical(self, path: FieldPath, value: object) -> object:
        if self.rules.ignore(path) is not None:
            return None
        if isinstance(value, dict):
            return {k: self._canonical(path.child(k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._canonical(path.child(i), v) for i, v in enumerate(value)]
        if isinstance(value, str):
            return _blank(value, self.rules.at(path))
        return value


def _same(left: object, right: object) -> bool:
    if isinstance(left, _Missing) or isinstance(right, _Missing):
        return isinstance(left, _Missing) and isinstance(right, _Missing)
    return type(left) is type(right) and left == right


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: object, right: object, rules: Sequence[FieldRule]) -> bool:
    if isinstance(left, _Missing) or isinstance(right, _Missing):
        return isinstance(left, _Missing) and isinstance(right, _Missing)
    if _is_number(left) and _is_number(right):
        assert isinstance(left, int | float) and isinstance(right, int | float)
        return within(float(left), float(right), rules)
    if isinstance(left, str) and isinstance(right, str):
        return _blank(left, rules) == _blank(right, rules)
    return _same(left, right)


def within(left: float, right: float, rules: Sequence[FieldRule]) -> bool:
    """Whether two numbers are equal, or within the first tolerance a rule gives for their field."""
    if left == right:
        return True
    if math.isnan(left) or math.isnan(right):
        return False
    rule = next((r for r in rules if r.absolute is not None or r.relative is not None), None)
    if rule is None:
        return False
    difference = abs(left - right)
    if rule.absolute is not None and difference <= rule.absolute:
        return True
    return rule.relative is not None and difference <= rule.relative * max(abs(left), abs(right))


def _blank(value: str, rules: Sequence[FieldRule]) -> str:
    for rule in rules:
        if rule.regex is not None:
            value = re.sub(rule.regex, _BLANK, value)
    return value


def shown(value: object, limit: int) -> str:
    """A value as JSON text (strings quoted), cut to ``limit`` characters with its full length noted."""
    if isinstance(value, _Missing):
        return ABSENT
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > limit:
        return f"{text[:limit]}\u2026 ({len(text)} chars)"
    return text
