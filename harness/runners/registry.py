"""Find runners by suite kind through the ``harness.runners`` entry-point group."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from harness.runners.base import Runner

GROUP = "harness.runners"
log = logging.getLogger(__name__)


def load_runners() -> dict[str, Runner]:
    """One runner instance per registered kind, built afresh for each call (no global registry).

    A plug-in that fails to import is skipped with a warning, so one broken third-party package does not
    stop suites of other kinds; a profile that uses its kind then gets "unknown kind".
    """
    runners: dict[str, Runner] = {}
    for entry in entry_points(group=GROUP):
        try:
            factory = entry.load()
            runner = factory(kind=entry.name)
        except Exception as exc:  # a third-party plug-in may fail in any way
            log.warning("runner plug-in %s (%s) failed to load: %s", entry.name, entry.value, exc)
            continue
        if not isinstance(runner, Runner):
            log.warning("runner plug-in %s (%s) does not implement the Runner protocol", entry.name, entry.value)
            continue
        runners[entry.name] = runner
    return runners
