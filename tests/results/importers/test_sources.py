"""The argument contract every importer shares: files as given, directories as the files of the format."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.sources import DirectoryContents, collect, xml_roots

JUNIT = DirectoryContents(("*.xml",), xml_roots("testsuite", "testsuites"))


def test_directories_are_searched_recursively_in_path_order_and_skipped_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "TEST-b.xml").write_text("<testsuite/>")
    (tmp_path / "TEST-a.xml").write_text('<?xml version="1.0"?>\n<!-- c --><testsuites/>')
    (tmp_path / "testng-results.xml").write_text("<testng-results/>")
    (tmp_path / "a.txt").write_text("Tests run: 1")
    (tmp_path / ".hidden.xml").write_text("<testsuite/>")
    files, notes = collect([tmp_path], JUNIT, "JUnit XML")
    assert files == [tmp_path / "TEST-a.xml", tmp_path / "b" / "TEST-b.xml"]
    assert [str(note) for note in notes] == [
        "2 file(s) in the given directories are not JUnit XML and were not read: a.txt, testng-results.xml"
    ]


def test_a_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    odd = tmp_path / "results.log"
    odd.write_text("<testsuite/>")
    assert collect([odd], JUNIT, "JUnit XML") == ([odd], [])


def test_a_directory_without_files_of_the_format_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(ImportFormatError, match=r":1: this directory holds no JUnit XML files \(looked for \*\.xml"):
        collect([tmp_path], JUNIT, "JUnit XML")
    with pytest.raises(ImportFormatError, match="no such file"):
        collect([tmp_path / "gone.xml"], JUNIT, "JUnit XML")
