"""Which files an import reads: the one argument contract every importer shares.

``harness import`` and ``kind: import`` suites accept files, directories and glob patterns for every
format. Patterns are expanded before the importer runs; what reaches an importer is files and directories:

- a **file** is read as given, whatever its name (a malformed one is an error);
- a **directory** stands for the files of the importer's format inside it, searched recursively and read in
  path order: those whose name matches one of the format's patterns (``*.xml`` for JUnit, ``*.jtl`` and
  ``*.csv`` for JMeter, ...) and, where the format can be told from a file's start (an XML root element, a
  CSV header), whose content is of that format. Other files in it are skipped and named in a note, and a
  directory holding no file of the format is an error that says what was looked for.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ImportFormatError
from harness.results.importers.prologue import root_name
from harness.results.messages import message
from harness.results.model import Message

_NOTE_EXAMPLES = 3


@dataclass(frozen=True)
class DirectoryContents:
    """How an importer recognises its files inside a directory."""

    patterns: tuple[str, ...]  # file name patterns, e.g. ("*.xml",)
    accepts: Callable[[Path], bool] | None = None  # a look at the content; None: the name decides
    exclude: tuple[str, ...] = field(default=())  # names that match a pattern but are never of the format

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        return any(fnmatch.fnmatch(name, p) for p in self.patterns) and not any(
            fnmatch.fnmatch(name, p) for p in self.exclude
        )


def xml_roots(*roots: str) -> Callable[[Path], bool]:
    """Accept XML files whose root element is one of ``roots`` (or cannot be seen: the reader decides)."""

    def accepts(path: Path) -> bool:
        name = root_name(path)
        return name is None or name in roots

    return accepts


def collect(paths: Sequence[Path], contents: DirectoryContents, what: str) -> tuple[list[Path], list[Message]]:
    """The files to read for ``paths`` and notes about files skipped in directories.

    Raises:
        ImportFormatError: a path does not exist, or a directory holds no file of the format.
    """
    files: list[Path] = []
    skipped: list[str] = []
    for path in paths:
        if not path.is_dir():
            if not path.exists():
                raise ImportFormatError(f"{path}:1: no such file")
            files.append(path)
            continue
        candidates = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        found = [p for p in candidates if contents.matches(p) and (contents.accepts is None or contents.accepts(p))]
        if not found:
            raise ImportFormatError(
                f"{path}:1: this directory holds no {what} files (looked for {', '.join(contents.patterns)}"
                f"{' with ' + what + ' content' if contents.accepts else ''}, in it and below); give the files "
                "or another directory"
            )
        skipped += [p.relative_to(path).as_posix() for p in candidates if p not in found]
        files += found
    notes = []
    if skipped:
        notes.append(message("note.import.skipped_files", count=len(skipped), what=what, examples=examples(skipped)))
    return files, notes


def examples(items: Sequence[str], separator: str = ", ") -> str:
    """The first few ``items`` for a note, and how many more there are (a count, in no language)."""
    shown = separator.join(items[:_NOTE_EXAMPLES])
    return shown + (f"{separator}… (+{len(items) - _NOTE_EXAMPLES})" if len(items) > _NOTE_EXAMPLES else "")
