"""An access matrix kept in its own YAML file (``matrix_file``): read like a profile — bounded, ``${VAR}``
interpolated, errors at FILE:LINE — and validated like inline options."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from harness.errors import ProfileError
from harness.profile.loader import validation_issues
from harness.profile.source import load_source
from harness.runners.access.matrix import AccessOptions


def load_matrix(path: Path) -> AccessOptions:
    """The matrix in ``path`` (an absolute path: the plan resolved it against the profile's folder).

    Raises:
        ProfileError: the file is missing, not YAML, names an unset variable, or is not a usable matrix.
    """
    source = load_source(path)
    if "matrix_file" in source.data:
        raise ProfileError([source.issue(("matrix_file",), "a matrix file cannot name another matrix file")])
    try:
        return AccessOptions.model_validate(source.data)
    except ValidationError as exc:
        raise ProfileError(validation_issues(exc, source, AccessOptions, ())) from None


def effective(options: AccessOptions) -> AccessOptions:
    """The options themselves, or the matrix their ``matrix_file`` holds (see :func:`load_matrix`)."""
    return load_matrix(Path(options.matrix_file)) if options.matrix_file is not None else options
