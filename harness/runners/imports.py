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
    """Every file matching ``patterns`` (sorted per pattern, duplicates dropped).

    Raises:
        RunnerSetupError: a pattern matches nothing — an empty import must never pass silently.
    """
    found: list[Path] = []
    for pattern in patterns:
        absolute = pattern if Path(pattern).is_absolute() else str(base_dir / pattern)
        matches = sorted(Path(p) for p in glob.glob(absolute, recursive=True) if Path(p).is_file())
        if not matches:
            raise RunnerSetupError(f"no file matches {pattern!r} (relative to {base_dir})")
        found.extend(m for m in matches if m not in found)
    return found


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

    def run(self, suite: PreparedSuite, ctx: RunContext) -> SuiteResult:
        options = suite.options_as(ImportOptions)
        importer = self.importer(options)
        sources = expand(options.paths, ctx.base_dir)
        copies = []
        for index, source in enumerate(sources):
            copy = ctx.raw_dir / (source.name if len(sources) == 1 else f"{index:03d}-{source.name}")
            shutil.copyfile(source, copy)
            copies.append(copy)
        ctx.progress.update(total=len(copies), completed=0)
        try:
            result = importer.read(copies, suite.name, options.kind or importer.default_kind)
        except ImportFormatError as exc:
            # Report the user's file, not our copy of it.
            message = str(exc)
            for source, copy in zip(sources, copies, strict=True):
                message = message.replace(str(copy), str(source))
            raise RunnerSetupError(message) from None
        ctx.progress.update(completed=len(copies))
        notes = (*result.notes, f"imported from {', '.join(str(s) for s in sources)}")
        return result.model_copy(update={"notes": notes})
