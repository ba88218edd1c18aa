"""The ``harness`` command. Each module below registers its commands on the shared typer ``app``."""

from harness.cli import (
    run,  # noqa: F401  (registers run, validate, report)
    security,  # noqa: F401  (registers zap rules)
    signing,  # noqa: F401  (registers sign, verify, keys)
)
from harness.cli.main import ExitCode, app, main

__all__ = ["ExitCode", "app", "main"]
