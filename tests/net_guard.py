"""The network guard of the scan tests (tests/runners/security/netguard/sitecustomize.py): under its
environment any Python process's lookup of or connection to a host that is not loopback is refused and
logged, so an empty log proves a run talked to nobody but 127.0.0.1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SITECUSTOMIZE_DIR = Path(__file__).parent / "runners" / "security" / "netguard"


@dataclass(frozen=True)
class NetGuard:
    env: dict[str, str]  # for run_cli: every Python process of the run loads the guard
    log: Path  # one line per refused lookup or connection

    @classmethod
    def logging_to(cls, log: Path) -> NetGuard:
        return cls({"PYTHONPATH": str(SITECUSTOMIZE_DIR), "NETGUARD_LOG": str(log)}, log)

    def attempts(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
