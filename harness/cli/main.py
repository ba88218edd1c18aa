"""The ``harness`` command: parse arguments, call the pipeline, render, map the verdict to an exit code.

Nothing else in the harness exits the process; library errors become messages here.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand

from harness import __version__
from harness.errors import HarnessError, ProfileError
from harness.exitcodes import VERDICT_EXIT as VERDICT_EXIT  # the CLI exits with these
from harness.exitcodes import ExitCode as ExitCode

app = typer.Typer(
    name="harness",
    help="Run acceptance suites against a target, gate on criteria, and write a signed PDF acceptance report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# emoji=False: rich would turn ":100:" in "file.yaml:100: ..." into an emoji. Messages carry user data
# (paths, keys, values), so they are printed as text, never as markup (see fail()).
stdout = Console(highlight=False, emoji=False)
stderr = Console(stderr=True, highlight=False, emoji=False)


class HarnessCommand(TyperCommand):
    """Every harness command: the usage line names required arguments as written (``PROFILE``), not in
    typer's braces (``{PROFILE}``), which read like a placeholder left unfilled."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]


def error_line(message: object) -> Text:
    """``error: <message>``, the message as plain text (no markup, no emoji), on one line: line breaks
    become spaces, other characters a terminal would act on are shown escaped (``\x1e``)."""
    text = " ".join(str(message).splitlines())
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return Text.assemble(("error", "red"), ": ", shown)


def fail(error: HarnessError, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """Print a harness error (every issue of a profile error on its own line) and exit."""
    if isinstance(error, ProfileError):
        for issue in error.issues:
            stderr.print(error_line(issue), soft_wrap=True)
    else:
        stderr.print(error_line(error), soft_wrap=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        stdout.print(f"harness {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """acceptance-harness"""


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        stderr.print("interrupted")
        sys.exit(ExitCode.INCOMPLETE)
    except OSError as exc:  # a file system that refused something the commands did not expect to fail
        where = f" ({exc.filename})" if exc.filename else ""
        stderr.print(error_line(f"{exc.strerror or exc}{where}"), soft_wrap=True)
        sys.exit(ExitCode.INCOMPLETE)


def print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
