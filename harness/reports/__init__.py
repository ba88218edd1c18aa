"""Exporters: everything written from a RunResult (summary.json, junit.xml, report.pdf, ...).

Exporters register under the entry-point group ``harness.exporters`` (built-in ones too). Those with
``needs_manifest`` run after manifest.json is written, because they include it (the PDF does).
"""

from __future__ import annotations

import logging
import traceback
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from harness.errors import HarnessError
from harness.results.model import RunResult
from harness.results.rundir import RunDirectory

GROUP = "harness.exporters"
log = logging.getLogger("harness.reports")


@runtime_checkable
class Exporter(Protocol):
    name: ClassVar[str]
    needs_manifest: ClassVar[bool]

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        """Write this exporter's files into the run directory and return their paths.

        Raises:
            ExportError: the output cannot be produced (the other exporters still run).
        """
        ...


def load_exporters() -> list[Exporter]:
    exporters: list[Exporter] = []
    for entry in entry_points(group=GROUP):
        try:
            exporters.append(entry.load()())
        except Exception as exc:  # a broken third-party exporter must not block the others
            log.warning("exporter plug-in %s (%s) failed to load: %s", entry.name, entry.value, exc)
    return sorted(exporters, key=lambda e: (e.needs_manifest, e.name))


def write_exports(run: RunResult, rundir: RunDirectory) -> list[str]:
    """Run every exporter, manifest in between; returns one message per exporter that failed.

    A file system that refuses a write (full disk, read-only) is a message too, never an exception;
    when the manifest cannot be written, the exporters that embed it are not run.
    """
    errors: list[str] = []
    manifest: str | None = None  # None: not written yet; "": written; else why it could not be
    for exporter in load_exporters():
        if exporter.needs_manifest and manifest is None:
            manifest = _write_manifest(rundir, errors)
        if exporter.needs_manifest and manifest:
            errors.append(f"{exporter.name}: not written: {manifest}")
            continue
        try:
            written = exporter.export(run, rundir)
            log.info("exported %s: %s", exporter.name, ", ".join(p.name for p in written))
        except HarnessError as exc:
            errors.append(f"{exporter.name}: {exc}")
            log.error("export %s failed: %s", exporter.name, exc)
        except OSError as exc:
            errors.append(f"{exporter.name}: cannot write: {exc.strerror or exc}")
            log.error("export %s failed: %s", exporter.name, exc)
        except Exception as exc:
            errors.append(f"{exporter.name}: {exc!r}")
            log.error("export %s crashed:\n%s", exporter.name, traceback.format_exc())
    if manifest is None:
        _write_manifest(rundir, errors)
    return errors


def _write_manifest(rundir: RunDirectory, errors: list[str]) -> str:
    """Write manifest.json; "" on success, else why not (also added to ``errors``)."""
    try:
        rundir.write_manifest()
    except OSError as exc:
        problem = f"manifest.json cannot be written: {exc.strerror or exc}"
        errors.append(f"manifest: {problem}")
        log.error("%s", problem)
        return problem
    return ""
