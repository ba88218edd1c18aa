"""Parsed TrueType faces kept on disk, so a process does not parse a 16 MB CJK font again.

reportlab parses a face in pure Python (every cmap entry, horizontal metric and glyph offset): about
0.25 s per face of WenQuanYi Zen Hei, paid by every ``harness run``, ``report`` and ``sign``. The parse
result is a handful of integer tables; this module stores them next to the face's scalar fields in a
cache file and rebuilds the same ``TTFontFace`` from it in a few milliseconds. The font file itself is
still read (the embedded subsets are cut from it), so the PDF is the same as with a fresh parse.

The cache file is JSON for the scalar fields and packed arrays for the tables — no pickle, nothing in
it is executed. It is keyed by the font file's path, size, modification time and sub-font index and by
the reportlab version; a file that does not match, or that cannot be read or written (read-only home,
full disk), is ignored and the face is parsed as before.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import tempfile
from array import array
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

FORMAT = 1
_MAGIC = b"HARNESS-TTF-CACHE\n"
# the parse results that are big; everything else in the face's __dict__ is small and goes into JSON
_TABLES = ("charToGlyph", "charWidths", "glyphToChar", "hmetrics", "glyphPos")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/acceptance-harness/fonts`` (``~/.cache/...`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "acceptance-harness" / "fonts"


def load_font(name: str, path: str, subfont: int = 0, directory: Path | None = None) -> TTFont:
    """``TTFont(name, path, subfontIndex=subfont)``, its face taken from the cache when it holds it.

    Raises what ``TTFont`` raises for a file that is not a usable font.
    """
    directory = cache_dir() if directory is None else directory
    try:
        stat = os.stat(path)
    except OSError:
        return TTFont(name, path, subfontIndex=subfont)  # let reportlab say what is wrong with the path
    key = hashlib.sha256(
        f"{FORMAT}\0{reportlab.Version}\0{os.path.abspath(path)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{subfont}".encode()
    ).hexdigest()[:32]
    cached = directory / f"{key}.ttfcache"
    face = _read(cached, path)
    if face is None:
        font = TTFont(name, path, subfontIndex=subfont)
        _write(cached, font.face)
        return font
    font = TTFont.__new__(TTFont)
    _init_font(font, name, face)
    return font


def _init_font(font: TTFont, name: str, face: TTFontFace) -> None:
    """What ``TTFont.__init__`` does once it has parsed its face (checked by the tests against reportlab)."""
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)


def _encode(value: Any) -> Any:
    """Small face fields as JSON, keeping the Python types reportlab uses."""
    if isinstance(value, TTFNameBytes):
        return {"n": [base64.b64encode(bytes(value)).decode(), value.ustr]}
    if isinstance(value, bytes):
        return {"b": base64.b64encode(value).decode()}
    if isinstance(value, tuple):
        return {"t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        ((tag, body),) = value.items()
        if tag == "n":
            name = bytes.__new__(TTFNameBytes, base64.b64decode(body[0]))
            name.ustr = str(body[1])
            return name
        if tag == "b":
            return base64.b64decode(body)
        if tag == "t":
            return tuple(_decode(v) for v in body)
        if tag == "d":
            return {_decode(k): _decode(v) for k, v in body}
        raise ValueError(f"unknown tag {tag!r}")
    return value


def _arrays(face: TTFontFace) -> dict[str, array[Any]]:
    glyph_to_char = [(g, c) for g, chars in face.glyphToChar.items() for c in chars]
    return {
        "c2g_chars": array("q", face.charToGlyph.keys()),
        "c2g_glyphs": array("q", face.charToGlyph.values()),
        "width_chars": array("q", face.charWidths.keys()),
        "widths": array("d", face.charWidths.values()),
        "g2c_glyphs": array("q", (g for g, _ in glyph_to_char)),
        "g2c_chars": array("q", (c for _, c in glyph_to_char)),
        # reportlab keeps advances as read (int), except past numberOfHMetrics where it repeats a scaled float
        "hm_advance": array("d", (a for a, _ in face.hmetrics)),
        "hm_advance_int": array("b", (isinstance(a, int) for a, _ in face.hmetrics)),
        "hm_lsb": array("q", (b for _, b in face.hmetrics)),
        "glyph_pos": array("q", face.glyphPos),
    }


class _CachedFace(TTFontFace):
    """A face rebuilt from the cache; the tables only subsetting and shaping read are built when first read."""

    _arrays: dict[str, array[Any]]

    @cached_property
    def hmetrics(self) -> list[tuple[int | float, int]]:
        arrays = self._arrays
        return [
            (int(advance) if whole else advance, lsb)
            for advance, whole, lsb in zip(
                arrays["hm_advance"], arrays["hm_advance_int"], arrays["hm_lsb"], strict=True
            )
        ]

    @cached_property
    def glyphToChar(self) -> dict[int, list[int]]:
        glyph_to_char: dict[int, list[int]] = {}
        for glyph, char in zip(self._arrays["g2c_glyphs"], self._arrays["g2c_chars"], strict=True):
            glyph_to_char.setdefault(glyph, []).append(char)
        return glyph_to_char


def _write(cached: Path, face: TTFontFace) -> None:
    fields = {k: v for k, v in face.__dict__.items() if k not in _TABLES and k not in ("_ttf_data", "_pdfScale")}
    try:
        header = json.dumps({k: _encode(v) for k, v in fields.items()}).encode()
        arrays = _arrays(face)
    except (TypeError, ValueError, OverflowError):
        return  # a face with fields we do not know how to keep: parse it each time
    chunks = [_MAGIC, struct.pack("<Q", len(header)), header]
    for name, values in arrays.items():
        encoded = name.encode()
        chunks += [struct.pack("<HcQ", len(encoded), values.typecode.encode(), len(values)), encoded, values.tobytes()]
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".font-", dir=cached.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(b"".join(chunks))
            os.replace(temporary, cached)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return  # no cache where the user cannot write: the next process parses again


def _read(cached: Path, path: str) -> TTFontFace | None:
    try:
        data = cached.read_bytes()
    except OSError:
        return None
    try:
        return _rebuild(data, path)
    except (ValueError, KeyError, TypeError, IndexError, struct.error, OverflowError):
        return None  # damaged or from another version: parse the font


def _rebuild(data: bytes, path: str) -> TTFontFace | None:
    if not data.startswith(_MAGIC):
        return None
    position = len(_MAGIC)
    (size,) = struct.unpack_from("<Q", data, position)
    position += 8
    fields = {k: _decode(v) for k, v in json.loads(data[position : position + size]).items()}
    position += size
    arrays: dict[str, array[Any]] = {}
    while position < len(data):
        length, typecode, count = struct.unpack_from("<HcQ", data, position)
        position += struct.calcsize("<HcQ")
        name = data[position : position + length].decode()
        position += length
        values = array(typecode.decode())
        end = position + count * values.itemsize
        if end > len(data):
            return None
        values.frombytes(data[position:end])
        position = end
        arrays[name] = values
    face = _CachedFace.__new__(_CachedFace)
    face.__dict__.update(fields)
    face.charToGlyph = dict(zip(arrays["c2g_chars"], arrays["c2g_glyphs"], strict=True))
    face.charWidths = dict(zip(arrays["width_chars"], arrays["widths"], strict=True))
    face.glyphPos = arrays["glyph_pos"].tolist()
    face._arrays = arrays
    glyphs = int(fields["numGlyphs"])
    if len(face.glyphPos) != glyphs + 1 or not all(len(arrays[n]) == glyphs for n in ("hm_advance", "hm_lsb")):
        return None
    units = int(fields["unitsPerEm"])
    face._pdfScale = (lambda x: x) if units == 1000 else (lambda x, m=1000 / units: x * m)
    with open(path, "rb") as handle:  # the subsets embedded in the PDF are cut from the file's tables
        face._ttf_data = handle.read()
    face._pos = 0
    return face
