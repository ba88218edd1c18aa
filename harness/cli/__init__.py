"""The ``harness`` command. Each module below registers its commands on the shared typer ``app``."""

from harness.cli import history as history_commands  # noqa: F401  (history list|diff|tag|import)
from harness.cli import run  # noqa: F401  (registers run, validate, report)
from harness.cli import schedule as schedule_commands  # noqa: F401  (schedule add|list|remove|export, scheduler run)
from harness.cli.main import ExitCode, app, main

__all__ = ["ExitCode", "app", "main"]
