"""The harness's own process environment, read in one place (the profile's ``${VAR}`` substitution lives
in ``source.py``). Tool processes the harness starts read the variables it hands them (``HARNESS_TARGET``,
``HARNESS_LOCUST_*``) themselves: that is their interface, not the harness's settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

CJK_FONT = "HARNESS_CJK_FONT"
"""A .ttf/.ttc file for the PDF report's Chinese text, instead of the fonts the harness looks for."""


def process_environment() -> dict[str, str]:
    """A copy of this process's environment: what suites and notification commands inherit."""
    return dict(os.environ)


def variable(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """One variable of ``environ`` (default: this process's), None when unset or empty."""
    value = (os.environ if environ is None else environ).get(name)
    return value or None
