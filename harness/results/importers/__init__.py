"""Importers turn result files that other tools produced into a SuiteResult.

They register under the entry-point group ``harness.importers``; the entry-point name is the
``format`` written in a profile's ``kind: import`` suite or given to ``harness import --format``.

Contract: ``read`` streams its files (a 1 GB file must not be loaded whole), raises
:class:`~harness.errors.ImportFormatError` whose message starts with ``FILE:LINE:`` for malformed input,
and never resolves XML entities or fetches anything over the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Protocol, TypeGuard, runtime_checkable

from harness.plugins import IMPORTERS, load_plugins
from harness.results.model import SuiteResult

GROUP = IMPORTERS


@runtime_checkable
class Importer(Protocol):
    format: ClassVar[str]
    default_kind: ClassVar[str]  # the suite kind its results are (unit, integration, performance, security, ...)
    metric_names: ClassVar[frozenset[str]]
    default_criteria: ClassVar[tuple[str, ...]]
    """Criteria for imports that list none, used only when the results' kind has no default that fits
    (harness/criteria/defaults.py); () to leave them to the kind."""

    def read(self, files: Sequence[Path], suite: str, kind: str) -> SuiteResult:
        """Parse ``files`` (already expanded, in order) into one suite's result."""
        ...


def load_importers() -> dict[str, Importer]:
    """One importer per registered format, built afresh (a broken third-party importer hides no other)."""
    return load_plugins(GROUP, lambda _, factory: factory(), _is_importer, "the Importer protocol")


def _is_importer(plugin: object) -> TypeGuard[Importer]:
    return isinstance(plugin, Importer)
