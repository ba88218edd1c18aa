"""The reports folder as the dashboard sees it: where a run's directory is, which of its files may be served,
and its run.json read once per change.

Only files inside the reports folder are ever served, and of a run directory only what the report itself
treats as evidence: files at its top (report.pdf, run.json, the exports, harness.log) and under ``raw/``
and ``allure-results/``. Other folders (``target/``, the system under test's own data) are listed by the
hash the manifest gives them but never served, as the PDF never embeds them. A path that leaves the run
directory (``..``, a symbolic link pointing out, an absolute path), names a hidden file or is not a
regular file is not found, whatever the reason: the answer does not tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.results.model import Artifact, RunResult
from harness.results.rundir import MANIFEST_FILE, RAW_DIR, RUN_FILE, RunDirectory
from harness.serve.cache import FileCache

SERVED_FOLDERS = frozenset({RAW_DIR, "allure-results"})  # besides the files at the top
MAX_LISTED = 5000  # files listed per run directory: a runaway tool must not make the page unbounded


@dataclass(frozen=True)
class RunFile:
    """A file of a run directory as the run page lists it."""

    path: str  # relative, POSIX separators
    size: int
    sha256: str = ""  # from manifest.json; "" when the manifest does not list it
    listed: bool = False  # in manifest.json
    present: bool = True  # exists in the run directory now
    served: bool = False  # the dashboard serves it (top level, raw/, allure-results/)

    @property
    def top_level(self) -> bool:
        return "/" not in self.path


def servable(relative: str) -> bool:
    """Whether a relative path is of a kind the dashboard serves (it must still exist and stay inside).

    Only canonical paths: no empty, ``.``, ``..`` or hidden segment, no backslash or NUL, not absolute.
    """
    if not relative or "\\" in relative or "\x00" in relative:
        return False
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return False
    return len(parts) == 1 or parts[0] in SERVED_FOLDERS


class Reports:
    """The reports folder given with ``--reports``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._runs: FileCache[RunResult] = FileCache(64)
        self._manifests: FileCache[tuple[Artifact, ...]] = FileCache(64)

    def run_dir(self, run_id: str, recorded: str = "") -> Path | None:
        """The run's directory inside the reports folder: where the history says it is, else
        ``<reports>/<run id>``; None when neither is a run directory inside the folder (the run was made
        on another machine, or its directory was removed)."""
        candidates = [Path(recorded)] if recorded else []
        if servable(run_id) and "/" not in run_id:
            candidates.append(self.root / run_id)
        for candidate in candidates:
            try:
                resolved = candidate.resolve()
            except (OSError, RuntimeError):
                continue
            if resolved.is_relative_to(self.root) and resolved != self.root and (resolved / RUN_FILE).is_file():
                return resolved
        return None

    def file(self, run_dir: Path, relative: str) -> Path | None:
        """The served file at ``relative`` in ``run_dir``, or None (not servable, missing, or leaving it)."""
        if not servable(relative):
            return None
        try:
            resolved = (run_dir / relative).resolve()
        except (OSError, RuntimeError):
            return None
        inside = resolved.is_relative_to(run_dir) and resolved.is_relative_to(self.root)
        return resolved if inside and resolved.is_file() else None

    def read_run(self, run_dir: Path) -> RunResult:
        """run.json, parsed once per change of the file.

        Raises:
            RunDirectoryError: unreadable, invalid, or from a newer harness.
        """
        return self._runs.get((run_dir / RUN_FILE,), lambda: RunDirectory(run_dir).read_run())

    def manifest(self, run_dir: Path) -> tuple[Artifact, ...]:
        """manifest.json's entries (none before the run wrote it, or when it is unreadable)."""

        def read() -> tuple[Artifact, ...]:
            try:
                return RunDirectory(run_dir).read_manifest()
            except (OSError, ValueError, HarnessError):
                return ()

        return self._manifests.get((run_dir / MANIFEST_FILE,), read)

    def files(self, run_dir: Path) -> tuple[list[RunFile], bool]:
        """Every file of the run directory and every manifest entry, sorted; and whether the listing was cut
        at MAX_LISTED files."""
        listed = {a.path: a for a in self.manifest(run_dir)}
        found: dict[str, RunFile] = {}
        truncated = False
        for path in _walk(run_dir):
            if len(found) >= MAX_LISTED:
                truncated = True
                break
            relative = path.relative_to(run_dir).as_posix()
            entry = listed.get(relative)
            try:
                size = path.stat().st_size
            except OSError:
                continue
            found[relative] = RunFile(
                path=relative, size=size, sha256=entry.sha256 if entry else "", listed=entry is not None,
                served=servable(relative) and self.file(run_dir, relative) is not None,
            )  # fmt: skip
        for relative, entry in listed.items():
            if relative not in found and not truncated:
                found[relative] = RunFile(relative, entry.size, entry.sha256, listed=True, present=False)
        return sorted(found.values(), key=lambda f: (f.path.count("/") > 0, f.path)), truncated


def _walk(root: Path) -> Iterator[Path]:
    """Regular files below ``root``, hidden names skipped, symbolic links not followed."""
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            if entry.is_file():
                yield entry
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file():
            yield entry


BUNDLE_FOLDER = "allure-results"


@dataclass(frozen=True)
class Bundle:
    """A folder of many small derived files (``allure-results/``), listed folded."""

    folder: str
    files: tuple[RunFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class Grouped:
    files: tuple[RunFile, ...]
    bundles: tuple[Bundle, ...]


def group_files(files: Iterable[RunFile]) -> Grouped:
    """Files outside any ``allure-results/`` folder, and one bundle per such folder (as the PDF shows them)."""
    plain: list[RunFile] = []
    bundles: dict[str, list[RunFile]] = {}
    for entry in files:
        parts = entry.path.split("/")
        if BUNDLE_FOLDER in parts[:-1]:
            folder = "/".join(parts[: parts.index(BUNDLE_FOLDER) + 1])
            bundles.setdefault(folder, []).append(entry)
        else:
            plain.append(entry)
    return Grouped(tuple(plain), tuple(Bundle(folder, tuple(found)) for folder, found in sorted(bundles.items())))
