"""Fixtures of the security suite tests: profiles that scan the demo, the ZAP API key of the doubles, and the
network guard that proves a scan talks to nobody but 127.0.0.1."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from net_guard import NetGuard

API_KEY = "double-api-key-5f1c"


@pytest.fixture
def netguard(tmp_path: Path) -> NetGuard:
    """Environment under which any Python process's lookup of or connection to a non-loopback host is
    refused and logged (tests/runners/security/netguard/sitecustomize.py)."""
    return NetGuard.logging_to(tmp_path / "netguard.log")


@pytest.fixture
def security_profile(write_profile: Callable[..., Path], demo_url: str) -> Callable[..., Path]:
    """``security_profile(options_yaml)``: a profile whose only suite is a security scan of the demo."""

    def make(options: str, criteria: str = "", extra_suites: str = "") -> Path:
        body = textwrap.indent(textwrap.dedent(options).strip(), " " * 6)
        text = (
            "project: {name: security-tests}\n"
            f"target: {{base_url: '{demo_url}', scope: [127.0.0.1]}}\n"
            "suites:\n"
            "  - name: security\n"
            "    kind: security\n"
            "    options:\n"
            f"{body}\n"
        )
        if criteria:
            text += "    criteria:\n" + "".join(f"      - {json.dumps(c)}\n" for c in criteria.split(";"))
        text += extra_suites
        text += "report: {language: en}\n"
        return write_profile(text)

    return make
