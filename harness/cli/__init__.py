"""The ``harness`` command. Each module below registers its commands on the shared typer ``app``."""

from harness.cli import imports, run, uat  # noqa: F401  (registers run, validate, report, import, uat)
from harness.cli.main import ExitCode, app, main

__all__ = ["ExitCode", "app", "main"]
