"""Running the harness as users do: its installed console script in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HARNESS = Path(sys.executable).with_name("harness")


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, object]:
        payload = json.loads(self.stdout)
        assert isinstance(payload, dict)
        return payload


def harness(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
    """``harness ARGS...`` in ``cwd``, the environment extended by ``env``."""
    completed = subprocess.run(
        [str(HARNESS), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout,
        cwd=cwd,
    )  # fmt: skip
    return CliResult(completed.returncode, completed.stdout, completed.stderr)
