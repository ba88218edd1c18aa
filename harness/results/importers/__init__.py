"""Importers turn result files that other tools produced into a SuiteResult.

They register under the entry-point group ``harness.importers``; the entry-point name is the
``format`` written in a profile's ``kind: import`` suite or given to ``harness import --format``.

Contract: ``read`` streams its files (a 1 GB file must not be loaded whole), raises
:class:`~harness.errors.ImportFormatError` whose message starts with ``FILE:LINE:`` for malformed input,
and never resolves XML entities or fetches anything over the network.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from harness.results.model import SuiteResult

GROUP = "harness.importers"
log = logging.getLogger(__name__)


@runtime_checkable
class Importer(Protocol):
    format: ClassVar[str]
    default_kind: ClassVar[str]  # the suite kind its results are (unit, integration, performance, security, ...)
    metric_names: ClassVar[frozenset[str]]

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        """Parse ``files`` (already expanded, in order) into one suite's result."""
        ...


def load_importers() -> dict[str, Importer]:
    importers: dict[str, Importer] = {}
    for entry in entry_points(group=GROUP):
        try:
            importer = entry.load()()
        except Exception as exc:  # a broken third-party importer must not hide the others
            log.warning("importer plug-in %s (%s) failed to load: %s", entry.name, entry.value, exc)
            continue
        importers[entry.name] = importer
    return importers
