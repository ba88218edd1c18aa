"""Secrets never reach the terminal, the run directory, the history, the report or a command line.

Planted: a bearer token, a basic-auth password, an API-key header and a token in the base URL's query,
each with characters that URL-encoding changes. Leaky test suites (pytest and Locust) print, log, fail
with and write them — raw, base64, percent-encoded, hex, UTF-16 — and the harness must redact every form.
With header auth a real wapiti scan runs too: it sends the header to the target on every request, so its
command line, log and report are where a secret would show.
Looked for: in every file of the run directory and the history database, in every stream of the PDF
(decompressed) and its text, in stdout/stderr, and in the command line of every process while the run
goes on (a thread reads /proc/*/cmdline throughout).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

pytestmark = pytest.mark.slow

BEARER = "b3arer+t0ken/5c1a=9e77"
BASIC_USER, BASIC_PASSWORD = "qa-user", "b4sic&passw0rd 82d1f0"
HEADER = "h3ader/api+key=7f9c2e"
QUERY = "qu3ry/api+key=41ab6d"
SECRETS = {"bearer": BEARER, "basic": BASIC_PASSWORD, "header": HEADER, "query": QUERY}
ENV = {"PLANTED_BEARER_TOKEN": BEARER, "PLANTED_PASSWORD": BASIC_PASSWORD, "PLANTED_API_KEY": HEADER}
ENV["PLANTED_QUERY_TOKEN"] = QUERY

AUTH = {
    "bearer": '{type: bearer, token: "${PLANTED_BEARER_TOKEN}"}',
    "basic": f'{{type: basic, username: {BASIC_USER}, password: "${{PLANTED_PASSWORD}}"}}',
    "header": '{type: header, name: X-Api-Key, value: "${PLANTED_API_KEY}"}',
}

LEAKY_TESTS = """
import base64, binascii, logging, os, pathlib
from urllib.parse import quote

def forms(value):
    return [value, base64.b64encode(value.encode()).decode(), quote(value, safe=""), value.encode().hex()]

def test_prints_logs_and_writes_the_credentials(api):
    planted = [v for k, v in sorted(os.environ.items()) if k.startswith("PLANTED_")]
    for header in api.headers.values():
        planted.append(header)
    for value in planted:
        print("leak:", *forms(value))
        logging.getLogger("suite").warning("leak %s", forms(value))
    pathlib.Path("leak-utf16.bin").write_bytes(b"\\xff\\xfe" + " ".join(planted).encode("utf-16-le"))
    pathlib.Path("leak.txt").write_text("\\n".join(" ".join(forms(v)) for v in planted))
    api.get("/api/me", params={"echo": planted[0]})
    assert api.headers == {}, "the assertion message carries the headers too"
"""

LEAKY_LOCUSTFILE = """
import base64, json, logging, os
from locust import FastHttpUser, constant, task

HEADERS = json.loads(os.environ["HARNESS_TARGET"])["headers"]
PLANTED = [v for k, v in sorted(os.environ.items()) if k.startswith("PLANTED_")] + list(HEADERS.values())

class Leaky(FastHttpUser):
    wait_time = constant(0.2)

    @task
    def leak(self):
        for value in PLANTED:
            print("leak", value, base64.b64encode(value.encode()).decode(), flush=True)
            logging.getLogger("locustfile").warning("leak %s", value)
        self.client.get("/api/no-such-page", headers=HEADERS)  # the failure message holds the URL (and query)
        raise RuntimeError(f"leak in a traceback: {PLANTED}")
"""


def forms(secret: str) -> set[bytes]:
    """What a leak of ``secret`` can look like in bytes."""
    text = {secret, quote(secret, safe=""), quote_plus(secret), secret.encode().hex(), secret.encode().hex().upper()}
    text |= {base64.b64encode(secret.encode()).decode(), base64.urlsafe_b64encode(secret.encode()).decode()}
    text.add(json.dumps(secret)[1:-1])
    found = {t.encode() for t in text} | {t.encode("utf-16-le") for t in text} | {t.encode("utf-16-be") for t in text}
    return found


def planted_forms(auth: str) -> dict[bytes, str]:
    """Every form of every planted secret of this run, with a name for messages."""
    named: dict[bytes, str] = {}
    for name, secret in SECRETS.items():
        for form in forms(secret):
            named[form] = name
    pair = f"{BASIC_USER}:{BASIC_PASSWORD}"
    for form in forms(pair):
        named[form] = "basic pair"
    return named


def hits(data: bytes, named: dict[bytes, str]) -> list[str]:
    return sorted({name for form, name in named.items() if form in data})


def pdf_hits(path: Path, named: dict[bytes, str]) -> list[str]:
    """Secrets in any decompressed stream (page content, embedded files, metadata) or the extracted text."""
    reader = PdfReader(path)
    found: list[str] = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except Exception:  # a free entry of the cross-reference table
            continue
        if isinstance(obj, StreamObject):
            found += [f"stream {number}: {name}" for name in hits(obj.get_data(), named)]
        elif obj is not None:
            found += [f"object {number}: {name}" for name in hits(repr(obj).encode(), named)]
    for index, page in enumerate(reader.pages):
        found += [f"page {index + 1}: {name}" for name in hits(page.extract_text().encode(), named)]
    assert reader.attachments, "the report embeds the run's files"
    return found


class CommandLineWatch:
    """Reads every process's command line until stopped; remembers the planted secrets seen in one."""

    def __init__(self, named: dict[bytes, str]) -> None:
        self.named = named
        self.harness_pid: int | None = None  # set once the harness runs: its descendants are the tools it started
        self.found: list[str] = []
        self.children_seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> CommandLineWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    command = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                self.found += [f"pid {entry.name}: {name}" for name in hits(command, self.named)]
                if self.harness_pid is not None and _descends_from(int(entry.name), self.harness_pid):
                    self.children_seen |= {part for part in (b"pytest", b"locust", b"wapiti") if part in command}


def _descends_from(pid: int, ancestor: int) -> bool:
    """Whether ``ancestor`` is ``pid`` or one of its parents (walking /proc/PID/stat)."""
    for _ in range(64):
        if pid == ancestor:
            return True
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state; the name may hold spaces
        if pid <= 1:
            return False
    return False


@pytest.fixture
def leaky_suites(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "leaky").mkdir()
    (tmp_path / "leaky" / "test_leak.py").write_text(LEAKY_TESTS)
    (tmp_path / "leaky_locustfile.py").write_text(LEAKY_LOCUSTFILE)
    yield tmp_path


@pytest.mark.parametrize("auth", ["bearer", "basic", "header"])
def test_planted_secrets_are_found_nowhere(leaky_suites: Path, demo_url: str, write_profile, auth: str) -> None:  # type: ignore[no-untyped-def]
    load = "" if auth != "header" else (
        "  - {name: load, kind: performance, options: "
        "{locustfile: leaky_locustfile.py, users: 2, spawn_rate: 2, run_time: 3s, env: {PLANTED_API_KEY: "
        '"${PLANTED_API_KEY}"}}}\n'
        "  - {name: scan, kind: security, options: "
        "{engine: wapiti, mode: baseline, max_minutes: 5, wapiti: {modules: [http_headers, cookieflags]}}}\n"
    )  # fmt: skip
    profile = write_profile(
        f"""\
project: {{name: Secrets}}
target:
  base_url: "{demo_url}/?api_key=${{PLANTED_QUERY_TOKEN}}"
  auth: {AUTH[auth]}
suites:
  - {{name: leaky, kind: integration, options: {{paths: [leaky], env: {{PLANTED_BEARER_TOKEN: "${{PLANTED_BEARER_TOKEN}}"}}}}}}
{load}report: {{language: en}}
"""
    )
    named = planted_forms(auth)
    script = Path(sys.executable).with_name("harness")
    with CommandLineWatch(named) as watch:
        with subprocess.Popen(
            [str(script), "run", str(profile), "--json", "--out", str(leaky_suites / "reports")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **ENV}, cwd=leaky_suites,
        ) as harness:  # fmt: skip
            watch.harness_pid = harness.pid
            stdout, stderr = harness.communicate(timeout=300)
        completed = subprocess.CompletedProcess(harness.args, harness.returncode, stdout, stderr)
    assert completed.returncode == 1, completed.stderr  # the leaky test fails (and says so, redacted)
    assert watch.found == []
    assert watch.children_seen >= ({b"pytest", b"locust", b"wapiti"} if load else {b"pytest"})  # watched them run
    assert hits(completed.stdout + completed.stderr, named) == []

    run_dir = Path(json.loads(completed.stdout)["run_dir"])
    every_file = [p for p in (leaky_suites / "reports").rglob("*") if p.is_file()]
    assert run_dir / "raw" / "leaky" / "leak-utf16.bin" in every_file
    leaks = {str(p.relative_to(leaky_suites)): hits(p.read_bytes(), named) for p in every_file}
    assert {path: found for path, found in leaks.items() if found} == {}
    assert pdf_hits(run_dir / "report.pdf", named) == []

    run = json.loads((run_dir / "run.json").read_text())
    assert run["target"]["base_url"].endswith("/?api_key=***")
    leak_log = (run_dir / "raw" / "leaky" / "leak.txt").read_text()
    assert leak_log.count("***") >= 4  # the planted values were there, redacted (not silently missing)
    assert oct((run_dir / "raw" / "leaky").stat().st_mode & 0o777) == "0o700"
