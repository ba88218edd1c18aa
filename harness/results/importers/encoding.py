"""The text encoding of CSV and other text result files, and errors that say what is wrong with it.

Files of the field come as UTF-8 (with or without a byte-order mark), as UTF-16 (Excel's "Unicode text",
LoadRunner exports) and, from Chinese Windows, in GBK/GB18030. How a file's encoding is chosen:

1. A byte-order mark declares it (UTF-8, UTF-16 LE/BE, UTF-32).
2. Without one, UTF-8 when the head of the file (256 KB) is valid UTF-8 — plain ASCII included.
3. Otherwise charset-normalizer's candidates decide; when GB18030 (the superset of GBK and GB2312) is one
   of them it is taken (else Big5 when it is one), because for the short texts of result files the
   detector often ranks Big5 or a Japanese or Korean code page higher, and these files come from Chinese
   systems. UTF-16 without a mark is only taken for text with NUL bytes (CSV in UTF-16 has one per ASCII
   character). The suite gets a note saying which encoding was assumed.

The file is then decoded strictly: a byte that is not valid in that encoding is an error naming the line,
and a file that ends in the middle of a multi-byte character is reported as truncated.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from charset_normalizer import from_bytes

from harness.errors import ImportFormatError
from harness.results.messages import message
from harness.results.model import Message

SAMPLE = 256 * 1024
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),  # before UTF-16 LE: its mark starts the same way
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_CHINESE = ("gb18030", "gbk", "gb2312", "hz")
_TRADITIONAL = ("big5", "big5hkscs", "cp950")
_TRUNCATED = ("unexpected end of data", "incomplete multibyte sequence", "truncated data")


@dataclass(frozen=True)
class TextEncoding:
    codec: str  # a Python codec name
    label: str  # how people call it: "UTF-8", "GB18030", "UTF-16LE"
    declared: bool  # by a byte-order mark

    def note(self, path: Path) -> Message | None:
        """What a reader should be told: the encoding assumed for a file that does not declare it."""
        if self.declared or self.codec == "utf-8":
            return None
        return message("note.import.encoding_assumed", file=path.name, label=self.label)


def detect(path: Path) -> TextEncoding:
    """The encoding to read ``path`` with (see the module's docstring).

    Raises:
        ImportFormatError: the file cannot be read, or it is not text in any encoding the detector knows.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE)
            whole = len(head) < SAMPLE or not handle.read(1)
    except OSError as exc:
        raise ImportFormatError(f"{path}:1: cannot read: {exc.strerror or exc}") from None
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return TextEncoding(codec, label, declared=True)
    if _is_utf8(head, whole):
        return TextEncoding("utf-8", "UTF-8", declared=False)
    wide = head.count(0) * 4 >= len(head)  # UTF-16 text of a CSV: every ASCII character has a NUL byte
    # Whole lines only (whole code units for UTF-16): a file cut mid-character must still be recognised,
    # its decoding then says it is truncated.
    sample = head[: len(head) - len(head) % 4] if wide else head[: head.rfind(b"\n") + 1] or head
    candidates = [m.encoding for m in from_bytes(sample) if m.encoding.startswith("utf_") <= wide]
    if any(c in _CHINESE for c in candidates):
        return TextEncoding("gb18030", "GB18030 (GBK)", declared=False)
    if any(c in _TRADITIONAL for c in candidates):
        return TextEncoding("big5hkscs", "Big5", declared=False)
    if not candidates:
        raise ImportFormatError(
            f"{path}:1: not text in any encoding the harness can recognise; save it as UTF-8 (or GBK) text"
        )
    codec = codecs.lookup(candidates[0]).name
    return TextEncoding(codec, codec.upper().replace("_", "-").replace("UTF-16-", "UTF-16"), declared=False)


def _is_utf8(head: bytes, whole: bool) -> bool:
    """Valid UTF-8, allowing a character cut at the end of the sample, or at the end of a whole file (which
    is then truncated: the strict decoding reports it)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def open_text(path: Path) -> tuple[TextIO, TextEncoding]:
    """``path`` opened for reading as text in its detected encoding (``newline=""`` for the csv module).

    Raises:
        ImportFormatError: as :func:`detect`.
    """
    encoding = detect(path)
    return path.open(encoding=encoding.codec, errors="strict", newline=""), encoding


def decode_error(path: Path, line: int, encoding: TextEncoding, exc: UnicodeDecodeError) -> ImportFormatError:
    """A ``FILE:LINE: reason`` error for bytes that are not valid in the file's encoding.

    ``line`` is where the reader was; text is decoded ahead in blocks, so for files up to 64 MB the line
    of the offending byte is found again here.
    """
    line = _line_of_error(path, encoding.codec) or line
    if exc.reason in _TRUNCATED:
        return ImportFormatError(
            f"{path}:{line}: truncated: the file ends in the middle of a {encoding.label} character "
            "(it was cut off while being written or copied; export it again)"
        )
    how = "declared by its byte-order mark" if encoding.declared else "detected"
    return ImportFormatError(
        f"{path}:{line}: bytes that are not valid {encoding.label} ({how}): {exc.reason}; "
        "save the file as UTF-8, or check that it is not damaged"
    )


def ends_mid_character(path: Path, codec: str = "utf-8") -> bool:
    """True when ``path`` is valid ``codec`` text except that it stops inside a multi-byte character (the
    file was cut off). Reads the whole file: for explaining an error, not for every import."""
    try:
        decoder = codecs.getincrementaldecoder(codec)("strict")
    except LookupError:
        return False
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
    except (UnicodeDecodeError, OSError):
        return False  # invalid before the end: damaged or another encoding, not (only) truncated
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return True
    return False


def _line_of_error(path: Path, codec: str) -> int | None:
    try:
        if path.stat().st_size > 64 * 1024 * 1024:
            return None
        raw = path.read_bytes()
        raw.decode(codec)
    except UnicodeDecodeError as exc:
        return raw[: exc.start].decode(codec, errors="replace").count("\n") + 1
    except (OSError, LookupError):
        return None
    return None
