"""The ``harness`` command. Each module below registers its commands on the shared typer ``app``."""

from harness.cli import (  # noqa: F401  (each module registers its commands)
    history,  # history list, diff, tag, import
    imports,  # import
    run,  # run, validate, report
    schedule,  # schedule add, list, remove, export; scheduler run
    security,  # zap rules
    signing,  # sign, verify, keys
    uat,  # uat template, uat record, uat import
)
from harness.cli.main import ExitCode, app, main

__all__ = ["ExitCode", "app", "main"]
