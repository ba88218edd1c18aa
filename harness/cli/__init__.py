"""The ``harness`` command. Each module below registers its commands on the shared typer ``app``.

The console script loads only the module of the command it runs (``harness sign`` never imports the
runners or the report layer; ``harness --version`` loads nothing but the version); ``--help``, an unknown command and ``from harness.cli import app`` load
them all.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

MODULES: dict[str, str] = {
    "history": "history",  # history list, diff, tag, import
    "import": "imports",  # import
    "run": "run",  # run, validate, report
    "validate": "run",
    "report": "run",
    "serve": "serve",  # the web dashboard
    "schedule": "schedule",  # schedule add, list, remove, export; scheduler run
    "scheduler": "schedule",
    "zap": "security",  # zap rules
    "sign": "signing",  # sign, verify, keys
    "verify": "signing",
    "keys": "signing",
    "uat": "uat",  # uat template, uat record, uat import
    "stage": "stages",  # stage status, stage close
}


def load_commands(command: str | None = None) -> typer.Typer:
    """The app with ``command``'s module registered, or every module when ``command`` is None or unknown."""
    modules = [MODULES[command]] if command in MODULES else sorted(set(MODULES.values()))
    for module in modules:
        import_module(f"harness.cli.{module}")
    from harness.cli.main import app

    return app


def main() -> None:
    arguments = sys.argv[1:]
    if arguments == ["--version"]:  # what `harness --version` prints, without loading typer and rich (~0.1 s)
        from harness import __version__

        sys.stdout.write(f"harness {__version__}\n")
        return
    from harness.cli.main import main as run_app

    words = [word for word in arguments if not word.startswith("-")]
    if words and words[0] in MODULES:
        load_commands(words[0])
    elif arguments[:1] != ["--version"]:
        load_commands()
    run_app()


def __getattr__(name: str) -> object:
    if name == "app":
        return load_commands()
    if name == "ExitCode":
        from harness.cli.main import ExitCode

        return ExitCode
    raise AttributeError(name)


__all__ = ["ExitCode", "app", "main"]
