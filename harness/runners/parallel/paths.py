"""Field paths of JSON answers and the patterns that select them (pure).

A concrete path names one field: ``$.items[0].updated_at`` (``$`` the whole body, ``.key`` or ``['key']``
a member, ``[n]`` an array element). A pattern is written the same way with wildcards:

- ``[*]`` any array element, ``.*`` any member (one level);
- ``..key`` the member ``key`` at any depth below (JSONPath's descendant), ``.**`` any number of levels
  (zero included): ``$.**`` is every field;
- ``status`` and ``header:<name>`` name the HTTP status and a response header (never wildcarded).

A pattern without ``$`` is read as if it started with ``$.`` (``items[*].fee`` is ``$.items[*].fee``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

Segment = str | int
ANY = "*"  # a pattern segment: any one member of an object
ANY_INDEX = "[*]"  # a pattern segment: any one element of an array
DEEP = "**"  # a pattern segment: zero or more levels

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_TOKEN = re.compile(
    r"""\.\.(?P<desc>[A-Za-z_][A-Za-z0-9_-]*|\*)"""
    r"""|\.(?P<key>\*\*|\*|[^.\[\]]+)"""
    r"""|\[(?P<index>\d+|\*)\]"""
    r"""|\[(?P<quote>['"])(?P<quoted>(?:\\.|(?!(?P=quote)).)*)(?P=quote)\]"""
)


@dataclass(frozen=True)
class Pattern:
    """A parsed path pattern; ``special`` is ``status`` or ``header:<name>`` for the non-body fields."""

    text: str
    segments: tuple[Segment, ...] = ()
    special: str = ""

    def matches(self, path: FieldPath) -> bool:
        if self.special or path.special:
            return self.special == path.special
        return _match(self.segments, path.segments)

    def covers_below(self, path: FieldPath) -> bool:
        """Whether the pattern selects ``path`` or anything inside it (so the subtree must be walked)."""
        if self.special or path.special:
            return self.special == path.special
        return _prefix_match(self.segments, path.segments)


@dataclass(frozen=True)
class FieldPath:
    """A concrete field: segments under the body's root, or a special field (status, header)."""

    segments: tuple[Segment, ...] = ()
    special: str = ""

    def child(self, segment: Segment) -> FieldPath:
        return FieldPath((*self.segments, segment))

    def __str__(self) -> str:
        if self.special:
            return self.special
        return "$" + "".join(_show(s) for s in self.segments)


STATUS = FieldPath(special="status")


def header_path(name: str) -> FieldPath:
    return FieldPath(special=f"header:{name.lower()}")


def _show(segment: Segment) -> str:
    if isinstance(segment, int):
        return f"[{segment}]"
    if _IDENTIFIER.match(segment):
        return f".{segment}"
    return "['" + segment.replace("\\", "\\\\").replace("'", "\\'") + "']"


@lru_cache(maxsize=512)
def parse_pattern(text: str) -> Pattern:
    """Parse a pattern (see the module's docstring).

    Raises:
        ValueError: the text is not a pattern, with the position of the first character not understood.
    """
    raw = text.strip()
    if raw == "status" or raw.lower().startswith("header:"):
        return Pattern(text, special=raw.lower() if raw != "status" else "status")
    if not raw:
        raise ValueError("a path pattern must not be empty (use $ for the whole body)")
    body = raw[1:] if raw.startswith("$") else ("." + raw if not raw.startswith((".", "[")) else raw)
    segments: list[Segment] = []
    position = 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None:
            raise ValueError(
                f"path {text!r}: cannot read {body[position:]!r}; write e.g. $.items[*].updated_at or $..fee"
            )
        if match.group("desc") is not None:
            segments += [DEEP, match.group("desc")]
        elif match.group("key") is not None:
            segments.append(match.group("key"))
        elif match.group("index") is not None:
            index = match.group("index")
            segments.append(ANY_INDEX if index == "*" else int(index))
        else:
            segments.append(re.sub(r"\\(.)", r"\1", match.group("quoted")))
        position = match.end()
    return Pattern(text, tuple(segments))


def _match(pattern: Sequence[Segment], path: Sequence[Segment]) -> bool:
    if not pattern:
        return not path
    head = pattern[0]
    if head == DEEP:
        return any(_match(pattern[1:], path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    return _segment_matches(head, path[0]) and _match(pattern[1:], path[1:])


def _prefix_match(pattern: Sequence[Segment], path: Sequence[Segment]) -> bool:
    """Whether some extension of ``path`` (or ``path`` itself) matches ``pattern``."""
    if not path:
        return True
    if not pattern:
        return False
    head = pattern[0]
    if head == DEEP:
        return True
    return _segment_matches(head, path[0]) and _prefix_match(pattern[1:], path[1:])


def _segment_matches(pattern: Segment, segment: Segment) -> bool:
    if pattern == ANY:
        return isinstance(segment, str)
    if pattern == ANY_INDEX:
        return isinstance(segment, int)
    return pattern == segment and type(pattern) is type(segment)
