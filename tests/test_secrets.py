"""Secrets never reach the terminal, the run directory or the report."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SECRET = "s3cr3t-api-key-7f9c2e"

LEAKY_TEST = """
import logging

def test_prints_and_fails_with_the_key(api):
    print("headers:", dict(api.headers))
    logging.getLogger("suite").warning("using %s", api.headers["X-Api-Key"])
    assert api.headers["X-Api-Key"] == "something else"
"""


def test_secrets_are_redacted_everywhere(tmp_path: Path, write_profile, run_cli, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    suite = tmp_path / "leaky"
    suite.mkdir()
    (suite / "test_leak.py").write_text(LEAKY_TEST)
    profile = write_profile(
        f"""\
        project: {{name: Secrets}}
        target:
          base_url: "{demo_url}"
          auth: {{type: header, name: X-Api-Key, value: "${{SERVICE_API_KEY}}"}}
        suites:
          - {{name: leaky, kind: integration, options: {{paths: [leaky]}}}}
        """
    )
    result = run_cli("run", str(profile), "--json", env={"SERVICE_API_KEY": SECRET})
    assert result.code == 1, result.stderr
    assert SECRET not in result.stdout + result.stderr
    run_dir = Path(str(result.json()["run_dir"]))
    leaked = [p for p in run_dir.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []
    pdf = subprocess.run(["pdftotext", str(run_dir / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert SECRET not in pdf
    assert "***" in (run_dir / "raw" / "leaky" / "junit.xml").read_text()
