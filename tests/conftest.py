"""Shared fixtures of the harness's own tests.

- ``repo``           the repository root
- ``demo_url``       a real demo target (uvicorn + SQLite) on 127.0.0.1, one per test session
- ``write_profile``  writes a profile YAML into tmp_path and returns its path
- ``run_cli``        runs ``harness ...`` in a process of its own (the console script's entry point, forked from a
                     server that imported the harness once: tests/harness_cli.py) and returns the result
- ``demo_run_dir``   a fresh copy of one real `harness run profiles/demo.yaml` (run once per test session,
                     shared by the xdist workers: the demo takes ~45 s), for tests that inspect or sign its results
- ``demo_scans``     two real wapiti scans of the demo (all weaknesses, then none), once per session
                     (tests/demo_scans.py)
- ``postgres_server``, ``history_url``  a real PostgreSQL per session, and a test's history on SQLite and
                     on PostgreSQL (tests/pg_server.py)
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from demo_scans import demo_scan_history, demo_scans  # noqa: F401  (fixtures)
from harness_cli import CliResult, harness
from pg_server import history_url, postgres_server  # noqa: F401  (fixtures)
from shared_once import once_per_session

from harness.target.managed import demo_target

REPO = Path(__file__).resolve().parent.parent


REPOSITORY_HISTORY = Path(__file__).resolve().parents[1] / "reports" / "history.sqlite"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_size


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Each test runs in an empty working directory of its own: a run that keeps its history in the working
    directory's reports/ (the documented default) then never shares it with another test or the repository.
    A hook rather than a fixture, so that property tests (Hypothesis) do not see a function-scoped fixture."""
    previous = os.getcwd()
    working = tempfile.mkdtemp(prefix="harness-test-cwd-")
    os.chdir(working)
    try:
        return (yield)
    finally:
        os.chdir(previous)
        shutil.rmtree(working, ignore_errors=True)


@pytest.fixture(autouse=True)
def _repository_history_untouched() -> Iterator[None]:
    """A test never records runs in the repository's own reports/history.sqlite (where `make acceptance`
    keeps a developer's real history): a run without a history or working directory of its own would, as
    the documented rule says, and would then also see the developer's runs as its baselines."""
    before = _stamp(REPOSITORY_HISTORY)
    yield
    assert _stamp(REPOSITORY_HISTORY) == before, (
        f"this test changed {REPOSITORY_HISTORY}: run harness with cwd=tmp_path (or --history / output.dir there)"
    )


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from harness.demo.weaknesses import WEAKNESSES

    with demo_target(tmp_path_factory.mktemp("demo"), tuple(WEAKNESSES)) as url:
        yield url


@pytest.fixture
def write_profile(tmp_path: Path) -> Callable[..., Path]:
    """``write_profile(text, name="profile.yaml")``: dedented YAML written into tmp_path.

    ``{repo}`` in the text is replaced by the repository root, so profiles can point at suites/.
    """

    def write(text: str, name: str = "profile.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).replace("{repo}", str(REPO)), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., CliResult]:
    """``run_cli("run", str(profile), "--json", env={...}, timeout=120)``: the console script, as
    tests/harness_cli.py runs it."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path | None = None) -> CliResult:
        return harness(*args, cwd=cwd or tmp_path, env=env, timeout=timeout)

    return run


@pytest.fixture(scope="session")
def _demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, Path]:
    """One real `harness run profiles/demo.yaml` for the whole test session, shared by the xdist workers
    (tests/shared_once.py). Tests only ever get copies (``demo_run_dir``)."""

    def run_demo(base: Path) -> dict[str, object]:
        profile = str(REPO / "profiles" / "demo.yaml")
        return asdict(
            harness("run", profile, "--json", "--quiet", "--out", str(base / "reports"), cwd=base, timeout=600)
        )

    result = CliResult(**once_per_session(tmp_path_factory, "shared-demo-run", run_demo))
    assert result.code == 0, result.stdout + result.stderr
    return result, Path(str(result.json()["run_dir"]))


@pytest.fixture
def demo_run_dir(_demo_run: tuple[CliResult, Path], tmp_path: Path) -> tuple[CliResult, Path]:
    """(the run's CLI result, a private copy of its run directory): tests may change the copy freely."""
    result, run_dir = _demo_run
    copy = tmp_path / "reports" / run_dir.name
    shutil.copytree(run_dir, copy, symlinks=True)
    return result, copy


def _weight(item: pytest.Item) -> int:
    """1 for an end-to-end (``slow``) test or one shard of a long property test, else 0."""
    callspec = getattr(item, "callspec", None)
    return int(item.get_closest_marker("slow") is not None or (callspec is not None and "shard" in callspec.params))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with the most long tests (:func:`_weight`) first, each file's tests kept together and in order.

    ``make test`` hands whole files to the xdist workers in this order (``--dist loadfile``, see
    :func:`pytest_xdist_make_scheduler`): starting the longest files first keeps one worker from running a
    long file alone at the end while the others are done.
    """
    weight: dict[str, int] = {}
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        path = str(item.path)
        first.setdefault(path, index)
        weight[path] = weight.get(path, 0) + _weight(item)
    items.sort(key=lambda item: (-weight[str(item.path)], first[str(item.path)]))


@pytest.hookimpl(optionalhook=True)  # also loads with -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile`` in the collection order above (xdist would otherwise start the files with the
    most tests, the quick unit tests, first and leave the long end-to-end files for the end), and each
    ``shard`` of a parametrized property test as a unit of its own, so its shards run side by side."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            shard = re.search(r"\[shard(\d+)\]$", nodeid)
            return super()._split_scope(nodeid) + (f"::shard{shard[1]}" if shard else "")

    config.option.loadscopereorder = False
    return Scheduling(config, log)  # type: ignore[arg-type]
