"""What the fork server of tests/harness_cli.py imports once: every module a harness command may load."""

from __future__ import annotations

from importlib.metadata import entry_points

from harness.cli import load_commands

# the console script's function, taken before the submodule harness.cli.main shadows its name in the package
from harness.cli import main as console_script

load_commands()
for group in ("harness.runners", "harness.importers", "harness.exporters", "harness.report_sections",
              "harness.scan_engines"):  # fmt: skip
    for entry in entry_points(group=group):
        entry.load()

__all__ = ["console_script"]
