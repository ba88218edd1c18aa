"""The console script loads what the command needs and nothing else: start-up is paid on every command,
by people and by CI jobs. Checked on the real console script with ``python -X importtime``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = str(Path(sys.executable).with_name("harness"))
HEAVY = ("pyhanko", "reportlab", "pydantic", "sqlalchemy", "requests", "typer", "rich")


def imported_modules(*args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """The command's result and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", HARNESS, *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    modules = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, modules


def imported(*args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """The command's result and the top-level packages it imported."""
    done, modules = imported_modules(*args, cwd=cwd)
    return done, {module.split(".")[0] for module in modules}


def test_version_imports_no_library(repo: Path) -> None:
    from harness import __version__

    done, names = imported("--version")
    assert (done.returncode, done.stdout) == (0, f"harness {__version__}\n")
    assert names.isdisjoint(HEAVY), sorted(names & set(HEAVY))
    pyproject = (repo / "pyproject.toml").read_text()
    assert 'version = {attr = "harness.__version__"}' in pyproject  # the one place the version is written


@pytest.mark.parametrize("args", [("validate", "profiles/demo.yaml"), ("verify", "--help"), ("sign", "--help")])
def test_commands_that_make_no_report_load_neither_the_exporters_nor_the_history(
    repo: Path, args: tuple[str, ...]
) -> None:
    done, names = imported(*args, cwd=repo)
    assert done.returncode == 0, done.stderr[-2000:]
    assert names.isdisjoint({"reportlab", "sqlalchemy"}), sorted(names & {"reportlab", "sqlalchemy"})
    if args[0] == "validate":
        # nothing is sent while validating: no HTTP client either (the runners name the target's handle only)
        run_only = {"pyhanko", "scipy", "numpy", "requests", "urllib3"}
        assert names.isdisjoint(run_only), sorted(names & run_only)


def test_validate_loads_where_the_history_is_but_not_the_history_commands_nor_the_comparison(repo: Path) -> None:
    done, modules = imported_modules("validate", "profiles/demo.yaml", cwd=repo)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "harness.history.location" in modules  # validate names the history a run would record in
    unneeded = {"harness.cli.history", "harness.history.compare", "harness.history.gate", "harness.history.runs"}
    assert modules.isdisjoint(unneeded), sorted(modules & unneeded)


def test_validate_imports_the_runners_of_the_profiles_kinds_only(repo: Path) -> None:
    """profiles/demo.yaml has unit, integration, performance, security and uat suites: the go-live kinds'
    runners (and what they import) stay unloaded."""
    done, modules = imported_modules("validate", "profiles/demo.yaml", cwd=repo)
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"harness.runners.locust.runner", "harness.runners.security.runner"} <= modules  # the control
    others = (
        "harness.runners.canary",
        "harness.runners.parallel",
        "harness.runners.monitoring",
        "harness.runners.access",
    )
    assert not {m for m in modules if m.startswith(others)}, sorted(m for m in modules if m.startswith(others))
