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

Runners and report sections are looked up by a suite's kind, so they load on first use
(:class:`PluginsByName`): a run of one pytest suite does not import Locust's, the canary's or the
parallel run's modules, and ``harness validate`` stays quick however many kinds are installed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, TypeGuard, TypeVar

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
    return dict(PluginsByName(group, build, fits, contract).items())


class PluginsByName(Mapping[str, T], Generic[T]):
    """The plug-ins of ``group`` by entry-point name, each imported and built when first looked up.

    The names are known without importing anything. A plug-in that fails to load (or does not fit its
    contract) is warned about once, then is not there: looking it up raises KeyError, and its name leaves
    the iteration. ``items()`` and ``values()`` load every plug-in, skipping the broken ones.
    """

    def __init__(
        self, group: str, build: Callable[[str, Any], object], fits: Callable[[object], TypeGuard[T]], contract: str
    ) -> None:
        self._group, self._build, self._fits, self._contract = group, build, fits, contract
        self._entries: dict[str, EntryPoint] = {entry.name: entry for entry in entry_points(group=group)}
        self._loaded: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        if name not in self._loaded:
            plugin = self._load(self._entries[name])
            if plugin is None:
                del self._entries[name]
                raise KeyError(name)
            self._loaded[name] = plugin
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> ItemsView[str, T]:
        return {name: plugin for name in list(self._entries) if (plugin := self.get(name)) is not None}.items()

    def values(self) -> ValuesView[T]:
        return dict(self.items()).values()

    def _load(self, entry: EntryPoint) -> T | None:
        try:
            plugin = self._build(entry.name, entry.load())
        except Exception as exc:  # a third-party plug-in may fail in any way
            log.warning("%s plug-in %s (%s) failed to load: %s", _label(self._group), entry.name, entry.value, exc)
            return None
        if not self._fits(plugin):
            log.warning(
                "%s plug-in %s (%s) does not implement %s", _label(self._group), entry.name, entry.value, self._contract
            )
            return None
        return plugin


def _label(group: str) -> str:
    """``harness.scan_engines`` -> ``scan engine`` (for messages)."""
    return group.removeprefix("harness.").removesuffix("s").replace("_", " ")
