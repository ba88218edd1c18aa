"""Options and the history rule shared by the commands that use a run history (``run``, ``history``,
``schedule``, ``serve``, ``stage``): light to import, so ``harness validate`` does not load the history
commands, the comparison or SQLAlchemy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.main import fail
from harness.errors import HarnessError, HistoryError
from harness.history.location import RULE, HistoryLocation, choose_history

HISTORY_HELP = (
    "The run history: a SQLite file or a postgresql://USER@HOST/DB URL (password from PGPASSWORD or ~/.pgpass); "
    + RULE
    + "."
)
HistoryOption = Annotated[str | None, typer.Option("--history", metavar="PATH|URL", help=HISTORY_HELP)]
ProfileOption = Annotated[
    Path | None,
    typer.Option("--profile", "-p", metavar="FILE", help="A profile file: use the history it records its runs in."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def location(text: str) -> HistoryLocation:
    """``--history`` as a location; exit 2 on a URL that is not a usable PostgreSQL URL."""
    try:
        return HistoryLocation.parse(text)
    except HarnessError as exc:
        fail(exc)


def chosen(history: str | None, profiles: list[Path] | None = None) -> HistoryLocation:
    """The history a command uses, by the one rule (``--history``, else the profiles', else the default);
    exit 2 when a profile cannot be read or the profiles disagree."""
    from harness.profile import load_profile

    for path in profiles or []:
        if not path.exists() and not path.suffix:  # a profile's name where its file is expected
            fail(
                HistoryError(
                    f"{path}: profile file not found (--profile takes a file; runs by profile name: --profile-name {path})"
                )
            )
    try:
        return choose_history(history, [load_profile(path) for path in profiles or []])
    except HarnessError as exc:
        fail(exc)
