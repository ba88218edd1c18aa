"""Profiles: YAML -> validated :class:`Profile`, with located errors and redacted secrets."""

from harness.profile.loader import LoadedProfile, load_profile, validation_issues
from harness.profile.model import Profile, Suite, Target
from harness.profile.scope import Scope

__all__ = ["LoadedProfile", "Profile", "Scope", "Suite", "Target", "load_profile", "validation_issues"]
