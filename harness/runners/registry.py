"""Find runners by suite kind through the ``harness.runners`` entry-point group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

from harness.plugins import RUNNERS, PluginsByName
from harness.runners.base import Runner

GROUP = RUNNERS


def load_runners() -> Mapping[str, Runner]:
    """One runner instance per registered kind, built afresh for each call (no global registry) when the
    kind is first looked up: only the kinds a profile uses are imported.

    A plug-in that fails to import is skipped with a warning, so one broken third-party package does not
    stop suites of other kinds; a profile that uses its kind then gets "unknown kind".
    """
    return PluginsByName(GROUP, lambda name, factory: factory(kind=name), _is_runner, "the Runner protocol")


def _is_runner(plugin: object) -> TypeGuard[Runner]:
    return isinstance(plugin, Runner)
