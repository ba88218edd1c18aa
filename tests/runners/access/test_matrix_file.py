"""A matrix in its own file: read like a profile (variables, FILE:LINE errors), refused by validate when bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.runners.access.matrix import AccessOptions
from harness.runners.access.matrix_file import effective, load_matrix
from harness.runners.access.runner import AccessControlRunner
from harness.runners.base import PreflightContext

MATRIX = """\
roles:
  officer: {auth: {type: login, username: officer, password: "${OFFICER_PASSWORD}"}}
endpoints:
  - {path: /api/me, expect: {anonymous: denied, officer: allowed}}
"""


def test_a_matrix_file_is_read_with_its_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICER_PASSWORD", "s3cret-from-env")
    (tmp_path / "matrix.yaml").write_text(MATRIX, encoding="utf-8")
    options = effective(AccessOptions(matrix_file=str(tmp_path / "matrix.yaml")))
    assert list(options.roles) == ["officer"] and options.endpoints[0].path == "/api/me"
    auth = options.roles["officer"].auth
    assert auth.password.get_secret_value() == "s3cret-from-env"  # type: ignore[union-attr]
    assert "s3cret" not in repr(options)


def test_a_bad_matrix_file_is_refused_at_its_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICER_PASSWORD", "x")
    path = tmp_path / "matrix.yaml"
    path.write_text(MATRIX.replace("officer: allowed", "officer: allowed, carol: denied"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_matrix(path)
    assert f"{path}:" in str(caught.value) and "unknown role 'carol'" in str(caught.value)
    # harness validate says so, at the suite's matrix_file key
    issues = AccessControlRunner("access-control").preflight(
        AccessOptions(matrix_file=str(path)), PreflightContext(base_dir=tmp_path, scope=None)
    )
    assert [key for key, _ in issues] == [("matrix_file",)] and "unknown role 'carol'" in issues[0][1]


def test_an_unset_variable_in_a_matrix_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OFFICER_PASSWORD", raising=False)
    (tmp_path / "matrix.yaml").write_text(MATRIX, encoding="utf-8")
    with pytest.raises(ProfileError, match="OFFICER_PASSWORD is not set"):
        load_matrix(tmp_path / "matrix.yaml")
