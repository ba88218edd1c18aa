"""The ``harness`` command. Each module below registers its commands on the shared typer ``app``."""

from harness.cli import (
    history,  # noqa: F401  (registers history list|diff|tag|import)
    run,  # noqa: F401  (registers run, validate, report)
)
from harness.cli.main import ExitCode, app, main

__all__ = ["ExitCode", "app", "main"]
