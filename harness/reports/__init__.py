"""Exporters: everything written from a RunResult (summary.json, junit.xml, report.pdf, ...).

Exporters register under the entry-point group ``harness.exporters`` (built-in ones too). Those with
``needs_manifest`` run after manifest.json is written, because they include it (the PDF does).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol, TypeGuard, runtime_checkable

from harness.errors import HarnessError
from harness.plugins import EXPORTERS, load_plugins
from harness.results.model import RunResult
from harness.results.rundir import RunDirectory

GROUP = EXPORTERS
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
    """Every registered exporter, those that embed the manifest last (a broken one hides no other)."""
    exporters = load_plugins(GROUP, lambda _, factory: factory(), _is_exporter, "the Exporter protocol")
    return sorted(exporters.values(), key=lambda e: (e.needs_manifest, e.name))


def _is_exporter(plugin: object) -> TypeGuard[Exporter]:
    return isinstance(plugin, Exporter)


@dataclass(frozen=True)
class ExportResult:
    """What one round of exports wrote, and one message per exporter that failed (``name: reason``)."""

    written: tuple[Path, ...]
    errors: tuple[str, ...]


def export_run(run: RunResult, rundir: RunDirectory) -> ExportResult:
    """Run every exporter, manifest in between. One failing exporter never stops the others.

    A file system that refuses a write (full disk, read-only) is a message too, never an exception; when
    the manifest cannot be written, the exporters that embed it are not run. A crash (an exception that is
    not a :class:`~harness.errors.HarnessError`) is reported by its type and first line; its traceback goes
    to the run's harness.log, never to the console.
    """
    errors: list[str] = []
    written: list[Path] = []
    manifest: str | None = None  # None: not written yet; "": written; else why it could not be
    with _logging_to(rundir):
        for exporter in load_exporters():
            if exporter.needs_manifest and manifest is None:
                manifest = _write_manifest(rundir, errors)
            if exporter.needs_manifest and manifest:
                errors.append(f"{exporter.name}: not written: {manifest}")
                continue
            try:
                paths = exporter.export(run, rundir)
            except HarnessError as exc:
                errors.append(f"{exporter.name}: {exc}")
                log.error("export %s failed: %s", exporter.name, exc)
                continue
            except OSError as exc:
                errors.append(f"{exporter.name}: cannot write: {exc.strerror or exc}")
                log.error("export %s failed: %s", exporter.name, exc)
                continue
            except Exception as exc:
                first = (str(exc).strip().splitlines() or [""])[0][:300]
                errors.append(
                    f"{exporter.name}: crashed ({type(exc).__name__}: {first}); the traceback is in "
                    f"{rundir.log_file.name}"
                )
                log.error("export %s crashed", exporter.name, exc_info=True)
                continue
            written.extend(paths)
            log.info("exported %s: %s", exporter.name, ", ".join(p.name for p in paths))
        if manifest is None:
            _write_manifest(rundir, errors)
    return ExportResult(tuple(written), tuple(errors))


def write_exports(run: RunResult, rundir: RunDirectory) -> list[str]:
    """Run every exporter (see :func:`export_run`); returns one message per exporter that failed."""
    return list(export_run(run, rundir).errors)


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


@contextmanager
def _logging_to(rundir: RunDirectory) -> Iterator[None]:
    """Log into the run's harness.log while exporting, unless a run (the pipeline) already logs somewhere."""
    if logging.getLogger("harness").handlers:
        yield
        return
    try:
        handler = logging.FileHandler(rundir.log_file, encoding="utf-8")
    except OSError:  # a read-only or full run directory: the errors are returned all the same
        yield
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("harness")
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()
