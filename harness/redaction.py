"""Keep secrets out of logs, captured output and stored files by replacing them with ``***``."""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "***"


class Redactor:
    """Replaces every known secret value in text. Short values (< 4 chars) are ignored: redacting
    "ab" everywhere would destroy the text without protecting anything."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def with_secrets(self, more: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *more])

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def __bool__(self) -> bool:
        return bool(self._secrets)


class RedactingFilter(logging.Filter):
    """A logging filter that renders each record and redacts it before any handler formats it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        if self.redactor:
            record.msg = self.redactor.redact(record.getMessage())
            record.args = None
        return True
