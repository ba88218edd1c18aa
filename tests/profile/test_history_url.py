"""``history: {url: postgresql://...}``: parsed into parts, the password a secret however it was written,
shown and stored only as ***, mistakes located as FILE:LINE without quoting the password."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.profile import load_profile
from harness.profile.history_url import DatabaseUrl

BASE = """\
project: {name: Demo}
target: {base_url: "http://127.0.0.1:9"}
suites:
  - {name: unit, kind: unit, options: {paths: [tests]}}
"""


def test_parts_render_and_redaction() -> None:
    url = DatabaseUrl.parse("postgresql://ci%20runner:p%40ss:w0rd@db.example:5433/acceptance?sslmode=require")
    assert (url.username, url.host, url.port, url.database) == ("ci runner", "db.example", 5433, "acceptance")
    assert url.query == (("sslmode", "require"),)
    assert url.render() == "postgresql://ci%20runner:p%40ss%3Aw0rd@db.example:5433/acceptance?sslmode=require"
    assert url.redacted == "postgresql://ci%20runner:***@db.example:5433/acceptance?sslmode=require"
    assert str(url) == repr(url)[13:-2] == url.redacted
    assert url.secrets == {"p@ss:w0rd", "p%40ss:w0rd"}  # as meant and as written
    assert url.without_password().render() == "postgresql://ci%20runner@db.example:5433/acceptance?sslmode=require"
    bare = DatabaseUrl.parse("postgres://harness@db/acceptance")
    assert (
        bare.password is None and bare.secrets == frozenset() and bare.redacted == "postgresql://harness@db/acceptance"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mysql://u:pw@db/x", "must be a PostgreSQL URL"),
        ("postgresql://u:secret#1@db/x", "must be percent-encoded"),
        ("postgresql://u:secret/1@db/x", "port after the host must be a number"),
        ("postgresql://u@db/x?password=secret1", "put the password before the host"),
    ],
)
def test_mistakes_are_named_without_the_password(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        DatabaseUrl.parse(text)
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("written", ["literal", "variable"])
def test_the_password_is_a_secret_however_it_is_written(write_profile: Callable[..., Path], written: str) -> None:
    password = "Lit3ral-pw-4-history"
    text = password if written == "literal" else "${DB_PASS}"  # DB_PASS: not a secret-looking variable name
    path = write_profile(BASE + f"history: {{url: 'postgresql://harness:{text}@127.0.0.1:5432/acceptance'}}\n")
    loaded = load_profile(path, environ={"DB_PASS": password})
    assert loaded.profile.history.url is not None and loaded.profile.history.url.render().count(password) == 1
    assert password in loaded.secrets  # the run's redactor removes it from logs and captured output
    assert password not in json.dumps(loaded.resolved)  # run.json's resolved profile
    assert loaded.resolved["history"]["url"] == "postgresql://harness:***@127.0.0.1:5432/acceptance"  # type: ignore[index]


def test_a_bad_url_or_both_places_are_located(write_profile: Callable[..., Path]) -> None:
    bad = write_profile(BASE + "history: {url: 'postgresql://harness:s3cret-pw@db:notaport/x'}\n", name="bad.yaml")
    with pytest.raises(ProfileError) as caught:
        load_profile(bad)
    (issue,) = caught.value.issues
    assert issue.line == 5 and issue.path == "history.url" and "port after the host" in issue.message
    assert "s3cret-pw" not in str(caught.value)
    both = write_profile(BASE + "history: {path: h.sqlite, url: 'postgresql://harness@db/x'}\n", name="both.yaml")
    with pytest.raises(ProfileError, match=r"either history\.path .* or history\.url"):
        load_profile(both)
