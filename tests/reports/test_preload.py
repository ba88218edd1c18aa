"""The report's libraries are imported while the suites run, and that changes nothing but the wait."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from harness.reports.preload import REPORT_LIBRARIES, preload_report_libraries


def in_fresh_interpreter(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]


def test_the_libraries_are_imported_on_a_thread_of_their_own() -> None:
    in_fresh_interpreter(
        "import sys\n"
        "from harness.reports.preload import REPORT_LIBRARIES, preload_report_libraries\n"
        "assert not [m for m in REPORT_LIBRARIES if m in sys.modules], 'already imported: nothing to show'\n"
        "thread = preload_report_libraries()\n"
        "assert thread.daemon and thread.name == 'preload-report-libraries'\n"
        "thread.join(100)\n"
        "missing = [m for m in REPORT_LIBRARIES if m not in sys.modules]\n"
        "assert not missing, missing\n"
    )


def test_the_list_names_what_the_exporters_import_and_nothing_of_the_harness() -> None:
    """Kept true: every preloaded library is one the built-in exporters load anyway; none is a harness
    module, whose import locks the suites' code could need (see the module's docstring)."""
    assert not [m for m in REPORT_LIBRARIES if m.split(".")[0] == "harness"]
    in_fresh_interpreter(
        "import sys\n"
        "from harness.reports import load_exporters\n"
        "from harness.reports.preload import REPORT_LIBRARIES\n"
        "assert {e.name for e in load_exporters()} >= {'pdf', 'junit', 'sarif', 'allure', 'summary'}\n"
        "unused = [m for m in REPORT_LIBRARIES if m not in sys.modules]\n"
        "assert not unused, unused\n"
    )


def test_a_library_that_cannot_be_imported_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    crashes: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", crashes.append)
    thread = preload_report_libraries(("harness_no_such_library", "json.decoder"))
    thread.join(60)
    assert not thread.is_alive()
    assert crashes == []
    assert "json.decoder" in sys.modules  # the one after the missing one was still imported
