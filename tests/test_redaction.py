"""Redaction finds a secret in every shape it takes in transit and in files."""

from __future__ import annotations

import base64
import json
import logging
import sys
from urllib.parse import quote, quote_plus

import pytest

from harness.redaction import REDACTED, RedactingFilter, Redactor, encoded_forms, redact_data

SECRET = "p@ss w/rd+key=9f"


@pytest.mark.parametrize(
    "shape",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote_plus(SECRET),
        SECRET.encode().hex(),
        SECRET.encode().hex().upper(),
        base64.b64encode(SECRET.encode()).decode(),
        base64.urlsafe_b64encode(SECRET.encode()).decode(),
        json.dumps(SECRET)[1:-1],
    ],
    ids=["plain", "percent", "plus", "hex", "HEX", "base64", "base64url", "json"],
)
def test_every_shape_is_redacted(shape: str) -> None:
    assert shape not in Redactor([SECRET]).redact(f"before {shape} after")


@pytest.mark.parametrize("prefix", ["", "a", "ab", "qa:", "officer:", "{\"alg\":\"HS256\",\"k\":\""])
def test_a_secret_inside_longer_base64_is_found_at_any_offset(prefix: str) -> None:
    encoded = base64.b64encode(f"{prefix}{SECRET}\"}}".encode()).decode()
    redacted = Redactor([SECRET]).redact(f"Authorization: Basic {encoded}")
    assert REDACTED in redacted
    decoded = base64.b64decode(redacted.split()[-1].replace(REDACTED, "") + "===", validate=False)
    assert SECRET.encode() not in decoded


def test_basic_auth_header_values_are_redacted() -> None:
    header = "Basic " + base64.b64encode(f"qa:{SECRET}".encode()).decode()
    assert Redactor([SECRET]).redact(header) != header
    assert Redactor([f"qa:{SECRET}"]).redact(header) == f"Basic {REDACTED}"


def test_bytes_keep_their_length_and_utf16_is_found() -> None:
    redactor = Redactor([SECRET])
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        data = b"\x00\x01head" + SECRET.encode(encoding) + b"tail\xff"
        cleaned = redactor.redact_bytes(data)
        assert len(cleaned) == len(data) and SECRET.encode(encoding) not in cleaned
        assert cleaned.startswith(b"\x00\x01head") and cleaned.endswith(b"tail\xff")


def test_short_values_are_not_secrets_and_text_without_secrets_is_untouched() -> None:
    assert Redactor(["abc"]).redact("abc abc") == "abc abc"
    assert not Redactor([])
    assert Redactor([SECRET]).redact("nothing to see") == "nothing to see"
    assert all(len(form) >= 4 for form in encoded_forms("abcd"))


def test_data_is_redacted_value_by_value_keys_included() -> None:
    data = {"headers": {SECRET: [f"x {SECRET}", 3, None]}, "n": 1.5}
    assert redact_data(data, Redactor([SECRET])) == {"headers": {REDACTED: [f"x {REDACTED}", 3, None]}, "n": 1.5}


def test_log_records_and_their_tracebacks_are_redacted() -> None:
    filtering = RedactingFilter(Redactor([SECRET]))
    try:
        raise ValueError(f"bad key {SECRET}")
    except ValueError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "using %s", (SECRET,), sys.exc_info())
    filtering.filter(record)
    text = logging.Formatter().format(record)
    assert SECRET not in text and "using ***" in text and "bad key ***" in text
