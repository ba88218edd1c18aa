"""Safety checks every XML importer runs before its parser sees a file.

DTDs and entity declarations are refused outright: result files never need them, they are how XML entity
bombs work, and libxml2 expands entities in attributes even when told not to resolve them.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ImportFormatError

_PROLOGUE = 64 * 1024  # a DOCTYPE must come before the root element, which starts within this
_ROOT_TAG = re.compile(rb"<([A-Za-z_][-.\w:]*)[^>]*")


@dataclass(frozen=True)
class Root:
    name: str  # local name of the root element; "" when not found in the head of the file
    namespaced: bool  # e.g. SoapUI writes its results in a default namespace


def check_prologue(path: Path, roots: Sequence[str] = (), what: str = "") -> Root:
    """Refuse an empty file, any DTD or entity declaration, and (when ``roots`` is given) another root.

    Raises:
        ImportFormatError: ``FILE:LINE: reason``.
    """
    with path.open("rb") as handle:
        head = handle.read(_PROLOGUE)
    if not head.strip():
        raise ImportFormatError(f"{path}:1: empty file (no XML at all)")
    text = _decode_head(head)
    root = _ROOT_TAG.search(text)
    prologue = text[: root.start()] if root else text
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        at = prologue.find(marker)
        if at >= 0:
            line = prologue[:at].count(b"\n") + 1
            raise ImportFormatError(
                f"{path}:{line}: DTDs and entity declarations are refused in result files "
                "(they are how XML entity bombs work, and test results never need them)"
            )
    if root is None:
        return Root("", namespaced=False)  # the parser will say what is wrong
    name = root.group(1).decode("utf-8", errors="replace").rpartition(":")[2]
    if roots and name not in roots:
        line = text[: root.start()].count(b"\n") + 1
        expected = " or ".join(f"<{r}>" for r in roots)
        raise ImportFormatError(f"{path}:{line}: root element <{name}> is not {what} (expected {expected})")
    return Root(name, namespaced=b"xmlns" in root.group(0) or b":" in root.group(1))


def _decode_head(head: bytes) -> bytes:
    """The head as ASCII-compatible bytes (UTF-16 files are re-encoded), for finding markup."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return head


def root_name(path: Path) -> str | None:
    """The local name of the root element, "" for a file that holds no XML element in its head, None when
    the file cannot be read. Never raises: for telling formats apart, not for validating them."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_PROLOGUE)
    except OSError:
        return None
    if not head.strip():
        return None  # an empty file: the reader says so
    for match in _ROOT_TAG.finditer(_decode_head(head)):
        name = match.group(1).decode("utf-8", errors="replace")
        if not name.startswith(("?", "!")):
            return name.rpartition(":")[2]
    return ""


_DECLARATION = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def declared_encoding(path: Path) -> str:
    """The encoding named in the XML declaration ("" without one)."""
    try:
        with path.open("rb") as handle:
            head = _decode_head(handle.read(1024))
    except OSError:
        return ""
    match = _DECLARATION.match(head)
    return match.group(1).decode("ascii") if match else ""
