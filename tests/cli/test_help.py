"""Every command's --help, walked: one meaning per option name, no raw markup, complete lists.

The rules a new user relies on when reading the help of one command after another:
- ``--profile`` is always a profile FILE; ``--history`` always takes PATH|URL and states the same rule;
- ``--out`` is always a DIR (and its help says directory), ``--output`` always a FILE;
- no placeholder a reader cannot act on: ``<bool>``, ``<str>``, ``{profile}``, raw reST/markdown backticks;
- ``import --format`` lists every installed importer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from harness.cli import load_commands
from harness.history.location import RULE
from harness.results.importers import load_importers

Command = Any  # typer's own (vendored) click Command


def _commands() -> Iterator[tuple[list[str], Command]]:
    root = typer.main.get_command(load_commands())

    def walk(path: list[str], command: Command) -> Iterator[tuple[list[str], Command]]:
        if isinstance(getattr(command, "commands", None), dict):  # a group
            for name, sub in sorted(command.commands.items()):
                yield from walk([*path, name], sub)
        elif not command.hidden:
            yield path, command

    yield from walk([], root)


COMMANDS = list(_commands())


def _help(path: list[str], *, rich: bool) -> str:
    env = {"COLUMNS": "200", "TYPER_USE_RICH": "1" if rich else "0", "NO_COLOR": "1"}
    result = CliRunner().invoke(load_commands(), [*path, "--help"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_walked() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    for expected in ("run", "validate", "history list", "history diff", "history migrate", "schedule export",
                     "scheduler run", "uat record", "uat import", "import", "sign", "verify", "keys demo"):  # fmt: skip
        assert expected in names


def _without_arguments_panel(text: str) -> str:
    """Rich help shows each argument's type (``PROFILE <path>``) in a column of its own: that is typer's
    layout, and informative; options must name their values themselves."""
    return re.sub(r"╭─ Arguments.*?╰[─]+╯", "", text, flags=re.S)


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_help_has_no_placeholders_or_raw_markup(path: list[str]) -> None:
    shown = f"harness {' '.join(path)} --help"
    for rich in (True, False):
        text = _help(path, rich=rich)
        assert "`" not in text, f"raw backticks in {shown}"
        assert "<bool>" not in text and "<str>" not in _without_arguments_panel(text), shown
        for placeholder in ("<path>", "<int>", "<float>", "<int range>", "<float range>"):
            assert placeholder not in _without_arguments_panel(text), f"{placeholder} in {shown}"
        assert not re.search(r"\{[A-Za-z_]+\}", text), f"a {{name}} placeholder in {shown}"


OWN_HISTORY_RULE = {  # commands whose --history does not follow harness run's rule, and say so in their help
    "import": "an import is recorded only in the history it is given",
    "serve": "the dashboard reads the history of the --reports folder it serves",
}


def _options(command: Command) -> dict[str, Any]:
    return {name: param for param in command.params if param.param_type_name == "option" for name in param.opts}


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_one_meaning_per_option_name(path: list[str]) -> None:
    command = dict((tuple(p), c) for p, c in COMMANDS)[tuple(path)]
    options = _options(command)
    shown = f"harness {' '.join(path)}"
    if "--profile" in options:
        option = options["--profile"]
        assert option.metavar == "FILE", f"{shown}: --profile must be a profile FILE"
        assert "profile" in (option.help or "").lower() and "file" in (option.help or "").lower(), shown
    if "--history" in options:
        option = options["--history"]
        assert option.metavar == "PATH|URL", shown
        if " ".join(path) not in OWN_HISTORY_RULE:
            assert RULE in " ".join((option.help or "").split()), f"{shown}: --history must state the rule"
    if "--out" in options:  # always a directory; a file to write is --output
        option = options["--out"]
        assert option.metavar == "DIR" and "directory" in (option.help or "").lower(), f"{shown}: --out is a DIR"
    if "--output" in options:
        assert options["--output"].metavar == "FILE", f"{shown}: --output is a FILE"
    if "--json" in options:
        assert options["--json"].is_flag and "json" in (options["--json"].help or "").lower(), shown
    for name, option in options.items():
        assert option.help, f"{shown}: {name} has no help"


def test_import_format_lists_every_importer() -> None:
    text = " ".join(_help(["import"], rich=False).split())
    for name in load_importers():
        assert re.search(rf"\b{re.escape(name)}\b", text), f"import --help does not list {name}"
    assert "..." not in text.split("--format", 1)[1].split("--suite", 1)[0]


def test_history_commands_state_one_rule() -> None:
    with_history = [" ".join(p) for p, c in COMMANDS if "--history" in _options(c)]
    assert {"run", "history list", "history diff", "history tag", "history import", "schedule add",
            "schedule list", "schedule remove", "schedule export", "scheduler run"} <= set(with_history)  # fmt: skip
    with_profile = {" ".join(p) for p, c in COMMANDS if "--profile" in _options(c)}
    assert {"history list", "history diff", "history tag", "history import", "schedule remove"} <= with_profile
