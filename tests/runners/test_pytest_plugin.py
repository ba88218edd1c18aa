"""The harness's pytest plug-in costs a suite run little: it loads the profile layer and requests only when
a test asks for the target, and Hypothesis's plug-in does not import Hypothesis at the end of a run that
never used it, while suites that do use Hypothesis keep all of its output. Real pytest subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# records, at the very end of the run, which heavy packages the run imported
CONFTEST = """
import sys

def pytest_unconfigure(config):
    with open("loaded.txt", "w") as out:
        out.write(" ".join(sorted(m for m in ("hypothesis", "requests", "pydantic") if m in sys.modules)))
"""


def _pytest(directory: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    (directory / "conftest.py").write_text(CONFTEST)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.runners.pytest_plugin", "-p", "no:cacheprovider", *args],
        cwd=directory, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done, set((directory / "loaded.txt").read_text().split())


def test_a_plain_suite_loads_neither_hypothesis_nor_requests_nor_pydantic(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
    done, loaded = _pytest(tmp_path, "-q")
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    assert loaded == set()


def test_a_suite_using_the_target_gets_it(tmp_path: Path) -> None:
    (tmp_path / "test_target.py").write_text(
        "def test_target(target, api):\n"
        "    assert target.base_url == 'http://127.0.0.1:9'\n"
        "    assert api.__class__.__name__ == 'ScopedSession'\n"
        "    from harness.runners.pytest_plugin import ScopedSession\n"
        "    assert isinstance(target.session(auth=False), ScopedSession)\n"
    )
    (tmp_path / "conftest.py").write_text(CONFTEST)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness.runners.pytest_plugin", "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"HARNESS_BASE_URL": "http://127.0.0.1:9", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_a_suite_using_hypothesis_keeps_its_failing_example_and_statistics(tmp_path: Path) -> None:
    pytest.importorskip("hypothesis")
    (tmp_path / "test_props.py").write_text(
        "from hypothesis import given, strategies as st\n\n"
        "@given(st.integers())\n"
        "def test_small(n):\n"
        "    assert n < 1000\n"
    )
    done, loaded = _pytest(tmp_path, "-q", "--hypothesis-show-statistics", "--hypothesis-seed=1")
    assert done.returncode == 1
    assert "n=1000" in done.stdout  # Hypothesis's shrunk failing example
    assert "Hypothesis Statistics" in done.stdout  # the plug-in's terminal summary still ran
    assert "hypothesis" in loaded
