"""The console script loads only the module of the command it runs: every command must be mapped."""

from __future__ import annotations

from harness.cli import MODULES, load_commands


def test_every_top_level_command_is_mapped_to_its_module() -> None:
    app = load_commands()
    names = {command.name or command.callback.__name__ for command in app.registered_commands if command.callback}
    names |= {group.name or group.typer_instance.info.name for group in app.registered_groups}
    assert names == set(MODULES)
