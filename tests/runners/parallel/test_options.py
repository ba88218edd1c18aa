"""What `harness validate` refuses in a parallel-run suite before anything starts, each at its FILE:LINE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_validate_finds_a_bad_request_set_a_system_outside_the_scope_and_an_unknown_metric(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    (tmp_path / "bad.yaml").write_text("[{method: GET}]\n", encoding="utf-8")
    profile = write_profile(
        """\
        project: {name: V}
        target: {start: demo}
        suites:
          - name: p
            kind: parallel-run
            options:
              primary: {base_url: "http://127.0.0.2:8080"}
              requests: bad.yaml
              data: {primary: "sqlite:///old.sqlite", candidate: "postgresql://u:pw@127.0.0.1/x", tables: [{table: users}]}
            criteria: [parallel.mismatch_rate < 0.1%, data.nope == 0]
        """
    )
    result = run_cli("validate", str(profile))
    assert result.code == 2
    assert f"{profile}:8: suites[0].options.requests: {tmp_path / 'bad.yaml'}: request 1: path: Field required" in result.stderr
    assert f"{profile}:7: suites[0].options.primary.base_url: '127.0.0.2' is outside target.scope" in result.stderr
    assert f"{profile}:10: suites[0].criteria[1]: metric 'data.nope' is not produced by a parallel-run suite" in result.stderr
    assert "pw@" not in result.stderr and "mismatch_rate" not in result.stderr  # a ratio criterion is fine


def test_validate_refuses_a_bad_pattern_and_demo_databases_of_systems_the_suite_does_not_start(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    (tmp_path / "r.yaml").write_text("[{path: /}]\n", encoding="utf-8")
    bad_pattern = write_profile(
        """\
        project: {name: V}
        target: {start: demo}
        suites:
          - {name: p, kind: parallel-run, options: {primary: {start: demo}, requests: r.yaml, compare: {ignore: ["$.items[x]"]}}}
        """
    )
    result = run_cli("validate", str(bad_pattern))
    assert result.code == 2 and "cannot read '[x]'; write e.g. $.items[*].updated_at" in result.stderr
    demo_db = write_profile(
        """\
        project: {name: V}
        target: {start: demo}
        suites:
          - name: p
            kind: parallel-run
            options:
              primary: {base_url: "http://127.0.0.1:8080"}
              requests: r.yaml
              data: {primary: demo, candidate: "sqlite:///new.sqlite", tables: [{table: users}]}
        """,
        name="demo-db.yaml",
    )
    result = run_cli("validate", str(demo_db))
    assert result.code == 2 and "data.primary: 'demo' names the database of a demo this suite starts" in result.stderr
