"""The layers of docs/architecture.md hold: the import-linter contracts in pyproject.toml are kept (the
same check `make lint` runs), and they do catch an import that points up."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_layers_and_plugin_contracts_are_kept() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_drawing_in_the_document_is_the_contract() -> None:
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in contracts["contracts"] if c["id"] == "layers")["layers"]
    contract = [[name.strip().removeprefix("harness.") for name in level.split("|")] for level in layers]
    document = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = document.split("\n\n")[2]  # the indented drawing after the first paragraph
    drawn = [[name.strip() for name in re.split(r"\s{2,}", line.strip())[0].split("|")] for line in block.splitlines()]
    assert drawn == contract


def test_an_import_that_points_up_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "harness", copy / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    runner = copy / "harness" / "runners" / "base.py"  # a runner reaching up into the gate (issue 18)
    runner.write_text(runner.read_text(encoding="utf-8") + "\nimport harness.gates.evaluate\n", encoding="utf-8")
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=300, check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "harness.runners.base -> harness.gates.evaluate" in result.stdout
