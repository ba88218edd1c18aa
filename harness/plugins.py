"""The plug-in loader: every entry-point group of the harness is read here, one way (docs/plugins.md).

| group                     | entry-point name                  | the object                      | contract                                    |
|---------------------------|-----------------------------------|---------------------------------|---------------------------------------------|
| ``harness.runners``       | the suite ``kind`` in profiles    | a class, called with ``kind=``  | :class:`harness.runners.base.Runner`        |
| ``harness.importers``     | the ``format`` of imports         | a class, called without args    | :class:`harness.results.importers.Importer` |
| ``harness.exporters``     | the exporter's name               | a class, called without args    | :class:`harness.reports.Exporter`           |
| ``harness.report_sections`` | the ``kind`` of a suite's results | a function ``(suite, ctx)``   | :data:`harness.reports.pdf.context.SuiteSection` |
| ``harness.scan_engines``  | the ``engine`` of security suites | a class, called without args    | :class:`harness.runners.security.engine.Engine` |

Built-in parts are registered exactly like third-party ones (``pyproject.toml``). Plug-ins are loaded
afresh by each call (no global registry); one that fails to import, to build, or that does not fit its
contract is skipped with a warning naming it, so one broken package never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, TypeGuard, TypeVar

RUNNERS = "harness.runners"
IMPORTERS = "harness.importers"
EXPORTERS = "harness.exporters"
REPORT_SECTIONS = "harness.report_sections"
SCAN_ENGINES = "harness.scan_engines"

log = logging.getLogger("harness.plugins")

T = TypeVar("T")


def load_plugins(
    group: str, build: Callable[[str, Any], object], fits: Callable[[object], TypeGuard[T]], contract: str
) -> dict[str, T]:
    """Every plug-in of ``group`` by entry-point name: ``build(name, loaded object)``, kept when it ``fits``.

    ``contract`` names what it must implement in the warning for one that does not ("the Runner protocol").
    """
    found: dict[str, T] = {}
    for entry in entry_points(group=group):
        try:
            plugin = build(entry.name, entry.load())
        except Exception as exc:  # a third-party plug-in may fail in any way
            log.warning("%s plug-in %s (%s) failed to load: %s", _label(group), entry.name, entry.value, exc)
            continue
        if not fits(plugin):
            log.warning("%s plug-in %s (%s) does not implement %s", _label(group), entry.name, entry.value, contract)
            continue
        found[entry.name] = plugin
    return found


def _label(group: str) -> str:
    """``harness.scan_engines`` -> ``scan engine`` (for messages)."""
    return group.removeprefix("harness.").removesuffix("s").replace("_", " ")
