"""Where a profile's ``kind: uat`` suite keeps its checklist, results and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.errors import ProfileError, ProfileIssue
from harness.profile import load_profile, validation_issues
from harness.profile.paths import PathSpec, resolve_paths


class UatOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    checklist: Annotated[str, PathSpec("checklist")] = Field(
        description="checklist YAML, relative to the file that writes it"
    )
    results: Annotated[str | None, PathSpec("results file", required=False)] = Field(
        default=None, description="recorded results YAML (default: <checklist>.results.yaml beside the checklist)"
    )
    run_checks: bool = Field(default=True, description="run the cases' automated pytest checks against the target")
    check_timeout: float = Field(default=300, gt=0, le=3600, description="seconds per automated check")


@dataclass(frozen=True)
class UatPaths:
    suite: str
    checklist: Path
    results: Path
    profile: Path | None = None
    language: str = "zh-CN"  # the profile's report.language: what `harness uat record` speaks

    @classmethod
    def from_options(
        cls, suite: str, options: UatOptions, base_dir: Path, profile: Path | None = None, language: str = "zh-CN"
    ) -> UatPaths:
        """Paths of the suite; relative ones against ``base_dir`` (the plan has made them absolute already)."""
        checklist = (base_dir / options.checklist).resolve()
        results = (
            (base_dir / options.results).resolve()
            if options.results
            else checklist.with_name(f"{checklist.stem}.results.yaml")
        )
        return cls(suite, checklist, results, profile, language)


def uat_paths(profile: Path, suite: str) -> UatPaths:
    """The paths of ``suite`` (a uat suite) of ``profile``.

    Raises:
        ProfileError: the profile is invalid, has no such suite, or it is not a uat suite.
    """
    loaded = load_profile(profile)
    for index, entry in enumerate(loaded.profile.suites):
        if entry.name != suite:
            continue
        if entry.kind != "uat":
            raise ProfileError([loaded.source.issue(("suites", index, "kind"), f"suite {suite!r} is not a uat suite")])
        here = ("suites", index, "options")
        try:
            options = UatOptions.model_validate(entry.options)
        except ValidationError as exc:
            raise ProfileError(validation_issues(exc, loaded.source, UatOptions, here)) from None
        resolved = resolve_paths(options, loaded.source, here)  # relative to the file that wrote each path
        assert isinstance(resolved, UatOptions)
        language = loaded.profile.report.language
        return UatPaths.from_options(suite, resolved, loaded.base_dir, loaded.path, language)
    names = ", ".join(s.name for s in loaded.profile.suites if s.kind == "uat") or "none"
    raise ProfileError(
        [ProfileIssue(str(profile), None, "suites", f"no uat suite named {suite!r} (uat suites: {names})")]
    )
