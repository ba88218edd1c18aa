"""Keep secrets out of logs, captured output and stored files by replacing them with ``***``.

A secret travels in more shapes than the one written in the profile: inside an ``Authorization: Basic``
header it is base64 of ``user:password``, in a query string it is percent-encoded, in JSON or XML it is
escaped, a tool may log it as hex, a Windows tool as UTF-16. :func:`encoded_forms` lists the shapes that
text can hold; :class:`Redactor` replaces all of them, in text (:meth:`Redactor.redact`) and in bytes
(:meth:`Redactor.redact_bytes`, which keeps lengths so binary files keep their structure).

Base64 needs care: a secret inside a longer base64 text (``base64(user:password)``, a JSON Web Token)
is encoded at one of three alignments, and only the characters that depend on the secret's bytes alone
are the same whatever surrounds it. Those "cores" are redacted, so the secret can be found at any offset.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "***"
MIN_SECRET = 4  # shorter values are not redacted: replacing "ab" everywhere would destroy the text
MIN_CORE = 6  # shortest base64 core worth matching (shorter ones would hit ordinary text by chance)


def _base64_cores(raw: bytes) -> set[str]:
    """The parts of base64 text that depend only on ``raw``, for each of the three alignments."""
    cores: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode().rstrip("=")
        end = 8 * (offset + len(raw))
        # character i covers bits [6i, 6i + 6): keep those inside the secret's bits [8 * offset, end)
        first = -(-8 * offset // 6)
        last = (end - 6) // 6
        core = encoded[first : last + 1]
        if len(core) >= MIN_CORE:
            cores.add(core)
            cores.add(core.replace("+", "-").replace("/", "_"))  # the URL-safe alphabet
    return cores


def encoded_forms(secret: str) -> set[str]:
    """Every textual shape of ``secret`` the redactor looks for (the secret itself included)."""
    raw = secret.encode("utf-8")
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    }
    forms |= _base64_cores(raw)
    return {form for form in forms if len(form) >= MIN_SECRET}


def _byte_forms(forms: Iterable[str]) -> set[bytes]:
    found: set[bytes] = set()
    for form in forms:
        found.add(form.encode("utf-8"))
        found.add(form.encode("utf-16-le"))
        found.add(form.encode("utf-16-be"))
    return found


class Redactor:
    """Replaces every known secret, in every encoded form, in text and in bytes."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(sorted({s for s in secrets if len(s) >= MIN_SECRET}))
        forms = set().union(*(encoded_forms(s) for s in self._secrets)) if self._secrets else set()
        ordered = sorted(forms, key=len, reverse=True)  # the longest first: a form may contain another
        self._text = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        byte_forms = sorted(_byte_forms(forms), key=len, reverse=True)
        self._bytes = re.compile(b"|".join(map(re.escape, byte_forms))) if byte_forms else None
        self.longest = len(byte_forms[0]) if byte_forms else 0
        """Bytes of the longest pattern :meth:`redact_bytes` looks for (to read files in overlapping chunks)."""

    @property
    def secrets(self) -> tuple[str, ...]:
        return self._secrets

    def with_secrets(self, more: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *more])

    def redact(self, text: str) -> str:
        return self._text.sub(REDACTED, text) if self._text is not None else text

    def redact_bytes(self, data: bytes) -> bytes:
        """Replace secrets in binary data with as many ``*`` (in the same encoding): offsets stay valid."""
        if self._bytes is None:
            return data
        return self._bytes.sub(_same_length, data)

    def __bool__(self) -> bool:
        return bool(self._secrets)


def _same_length(match: re.Match[bytes]) -> bytes:
    found = match.group(0)
    if len(found) > 1 and (found[0] == 0 or found[1] == 0):  # UTF-16: keep the encoding's zero bytes
        return bytes(b if b == 0 else 0x2A for b in found)
    return b"*" * len(found)


def redact_data(data: object, redactor: Redactor) -> object:
    """``data`` (JSON-like: dicts, lists, strings, numbers) with every string and key redacted."""
    if isinstance(data, str):
        return redactor.redact(data)
    if isinstance(data, dict):
        return {redact_data(k, redactor): redact_data(v, redactor) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [redact_data(item, redactor) for item in data]
    return data


class RedactingFilter(logging.Filter):
    """A logging filter that renders each record and redacts it before any handler formats it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if self.redactor:
            record.msg = self.redactor.redact(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = self.redactor.redact(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True
