"""acceptance-harness: run a project's acceptance suites, gate on criteria, write a signed PDF report.

The public API for programs that embed the harness (guarded by tests/test_api.py)::

    from harness import run_profile, read_run, Verdict
    outcome = run_profile("profiles/demo.yaml", out_dir=Path("reports"))
    if outcome.run.verdict is not Verdict.PASS: ...

Names load on first use, so ``import harness`` (done by every tool process the harness starts) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

# The one place the version is written: pyproject.toml reads it from here (tool.setuptools.dynamic), so
# `harness --version` needs no package metadata lookup (importlib.metadata scans every installed package).
__version__ = "0.1.0"

if TYPE_CHECKING:
    from harness.api import read_run as read_run
    from harness.api import run_profile as run_profile
    from harness.errors import HarnessError as HarnessError
    from harness.errors import ProfileError as ProfileError
    from harness.pipeline import RunOutcome as RunOutcome
    from harness.results.model import RunResult as RunResult
    from harness.results.model import SuiteResult as SuiteResult
    from harness.results.model import Verdict as Verdict

_PUBLIC = {
    "run_profile": "harness.api",
    "read_run": "harness.api",
    "RunOutcome": "harness.pipeline",
    "RunResult": "harness.results.model",
    "SuiteResult": "harness.results.model",
    "Verdict": "harness.results.model",
    "HarnessError": "harness.errors",
    "ProfileError": "harness.errors",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> object:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    return getattr(import_module(module), name)
