"""The ``harness`` command. Each module below registers its commands on the shared typer ``app``."""

from harness.cli import (  # noqa: F401  (each module registers its commands)
    imports,  # import
    run,  # run, validate, report
    security,  # zap rules
    signing,  # sign, verify, keys
    uat,  # uat template, uat record, uat import
)
from harness.cli.main import ExitCode, app, main

__all__ = ["ExitCode", "app", "main"]
