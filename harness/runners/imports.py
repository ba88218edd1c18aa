"""``kind: import`` — results that other tools already produced (JUnit XML, JMeter JTL, ZAP, Nessus, ...).

The files are copied into ``raw/<suite>/`` first, so the run directory (and the signed PDF) carries
exactly the evidence the verdict was computed from.
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from harness.errors import ImportFormatError, RunnerSetupError
from harness.results.importers import Importer, load_importers
from harness.results.model import SuiteResult
from harness.runners.base import PreparedSuite, RunContext


class ImportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(description="importer name, e.g. junit, jtl, zap-json, nessus")
    paths: list[str] = Field(min_length=1, description="files or glob patterns, relative to the profile")
    kind: str | None = Field(default=None, description="what the results are: unit, integration, performance, ...")


def expand(patterns: list[str], base_dir: Path) -> list[Path]:
    """Every file or directory matching ``patterns`` (sorted per pattern, duplicates dropped).

    Directories are kept as they are (an allure-results directory is one input); the importer decides
    what it accepts.

    Raises:
        RunnerSetupError: a pattern matches nothing — an empty import must never pass silently.
    """
    found: list[Path] = []
    for pattern in patterns:
        absolute = pattern if Path(pattern).is_absolute() else str(base_dir / pattern)
        matches = sorted(Path(p).resolve() for p in glob.glob(absolute, recursive=True) if Path(p).exists())
        if not matches:
            raise RunnerSetupError(f"no file matches {pattern!r} (relative to {base_dir})")
        found.extend(m for m in matches if m not in found)
    return found


def import_sources(importer: Importer, sources: list[Path], raw_dir: Path, suite: str, kind: str) -> SuiteResult:
    """Copy ``sources`` into ``raw_dir`` (the evidence), then import the copies.

    Raises:
        RunnerSetupError: a file is malformed (``FILE:LINE: reason``, naming the user's file, not the copy).
    """
    copies: list[Path] = []
    for index, source in enumerate(sources):
        copy = raw_dir / (source.name if len(sources) == 1 else f"{index:03d}-{source.name}")
        if source.is_dir():
            shutil.copytree(source, copy, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, copy)
        copies.append(copy)
    try:
        result = importer.read(copies, suite, kind)
    except ImportFormatError as exc:
        message = str(exc)
        for source, copy in zip(sources, copies, strict=True):
            message = message.replace(str(copy), str(source))
        raise RunnerSetupError(message) from None
    notes = (*result.notes, f"imported from {', '.join(str(s) for s in sources)}")
    return result.model_copy(update={"notes": notes})


class ImportRunner:
    options_model: ClassVar[type[BaseModel]] = ImportOptions
    default_criteria: ClassVar[tuple[str, ...]] = ()

    def __init__(self, kind: str, importers: dict[str, Importer] | None = None) -> None:
        self.kind = kind
        self._importers = importers

    @property
    def importers(self) -> dict[str, Importer]:
        if self._importers is None:
            self._importers = load_importers()
        return self._importers

    def importer(self, options: ImportOptions) -> Importer:
        found = self.importers.get(options.format)
        if found is None:
            raise RunnerSetupError(
                f"unknown import format {options.format!r}; known: {', '.join(sorted(self.importers))}"
            )
        return found

    def needs_target(self, options: BaseModel) -> bool:
        return False

    def metric_names(self, options: BaseModel) -> frozenset[str]:
        assert isinstance(options, ImportOptions)
        importer = self.importers.get(options.format)
        return importer.metric_names | {"duration"} if importer else frozenset({"duration"})

    def default_criteria_for(self, options: BaseModel) -> tuple[str, ...]:
        """The importer's own defaults (``failed + errors == 0`` for test results), used when the suite
        lists no criteria: an import with failed tests must not pass the gate silently."""
        assert isinstance(options, ImportOptions)
        return importer_defaults(self.importers.get(options.format))

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(ImportOptions)
        importer = self.importer(options)
        sources = expand(options.paths, ctx.base_dir)
        ctx.progress.update(total=len(sources), completed=0)
        result = import_sources(importer, sources, ctx.raw_dir, suite.name, options.kind or importer.default_kind)
        ctx.progress.update(completed=len(sources))
        return result


def importer_defaults(importer: Importer | None) -> tuple[str, ...]:
    """An importer's optional ``default_criteria`` (not every plug-in declares them)."""
    defaults = getattr(importer, "default_criteria", ())
    return tuple(defaults) if isinstance(defaults, tuple | list) else ()
