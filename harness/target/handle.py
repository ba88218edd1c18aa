"""The system under test as runners see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from harness.profile.scope import Scope


@dataclass(frozen=True)
class TargetHandle:
    """A reachable target. ``headers`` may hold secrets (auth): never log or store them."""

    name: str
    base_url: str
    scope: Scope
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    timeout: float = 10.0
    verify_tls: bool = True
    version: str = ""
    managed: bool = False  # started (and stopped) by the harness
