"""Profile loading: extends, interpolation, secrets, and errors located as FILE:LINE: key.path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.profile import load_profile

MINIMAL = """\
project: {name: Permit service, stage: testing}
target:
  base_url: http://127.0.0.1:8080
suites:
  - name: unit
    kind: unit
    options: {paths: [tests]}
"""


def issues_of(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        load_profile(path, environ or {})
    return [str(issue) for issue in caught.value.issues]


def test_minimal_profile_loads_with_defaults(write_profile: Callable[..., Path]) -> None:
    loaded = load_profile(write_profile(MINIMAL), {})
    assert loaded.name == "profile"
    assert loaded.profile.project.stage == "testing"
    assert loaded.profile.report.language == "zh-CN"
    assert loaded.profile.target.effective_scope() == ["127.0.0.1"]
    assert len(loaded.sha256) == 64


def test_extends_deep_merges_and_merges_suites_by_name(write_profile: Callable[..., Path]) -> None:
    write_profile(
        """\
        project: {name: Base, version: "1.0"}
        target: {base_url: "http://127.0.0.1:8080", timeout: 5}
        suites:
          - {name: unit, kind: unit, options: {paths: [a]}, criteria: ["pass_rate >= 100%"]}
          - {name: integration, kind: integration, options: {paths: [b]}}
        """,
        name="base.yaml",
    )
    child = write_profile(
        """\
        extends: base.yaml
        project: {version: "2.0"}
        target: {timeout: 30}
        suites:
          - {name: integration, options: {paths: [c]}}
          - {name: extra, kind: unit, options: {paths: [d]}}
        """,
        name="child.yaml",
    )
    profile = load_profile(child, {}).profile
    assert profile.project.name == "Base"
    assert profile.project.version == "2.0"
    assert profile.target.timeout == 30
    assert profile.target.base_url == "http://127.0.0.1:8080"
    assert [s.name for s in profile.suites] == ["unit", "integration", "extra"]
    assert profile.suites[0].criteria == ["pass_rate >= 100%"]
    assert profile.suites[1].options == {"paths": ["c"]}
    assert profile.suites[1].kind == "integration"


def test_errors_in_a_base_file_point_into_the_base_file(write_profile: Callable[..., Path]) -> None:
    base = write_profile("project: {name: Base}\ntarget: {base_url: 'http://127.0.0.1:1', timeuot: 5}\n", name="b.yaml")
    child = write_profile("extends: b.yaml\nsuites: [{name: u, kind: unit, options: {paths: [x]}}]\n", name="c.yaml")
    assert issues_of(child) == [f"{base}:2: target.timeuot: unknown key 'timeuot' (did you mean 'timeout'?)"]


def test_extends_cycle_and_missing_file_are_reported(write_profile: Callable[..., Path]) -> None:
    write_profile("extends: b.yaml\n", name="a.yaml")
    looped = write_profile("extends: a.yaml\n", name="b.yaml")
    assert "extends cycle" in issues_of(looped)[0]
    missing = write_profile("extends: nowhere.yaml\n", name="m.yaml")
    assert issues_of(missing) == [f"{missing}:1: extends: file not found: nowhere.yaml"]


def test_interpolation_with_defaults_and_escapes(write_profile: Callable[..., Path]) -> None:
    path = write_profile(
        MINIMAL.replace("name: Permit service", "name: '${PROJECT}'")
        .replace("stage: testing", "stage: '${STAGE:-design}', system: '$${NOT_A_VAR}'")
        .replace("8080", "${PORT:-9090}")
    )
    profile = load_profile(path, {"PROJECT": "Tax portal", "PORT": ""}).profile
    assert profile.project.name == "Tax portal"
    assert profile.project.stage == "design"
    assert profile.project.system == "${NOT_A_VAR}"
    assert profile.target.base_url == "http://127.0.0.1:9090"  # ":-" also replaces an empty value


def test_unset_variable_without_default_names_line_and_key(write_profile: Callable[..., Path]) -> None:
    path = write_profile(MINIMAL.replace("http://127.0.0.1:8080", "${TARGET_URL}"))
    assert issues_of(path) == [
        f"{path}:3: target.base_url: environment variable TARGET_URL is not set (and has no default)"
    ]


def test_secrets_are_redacted_in_the_resolved_profile(write_profile: Callable[..., Path]) -> None:
    path = write_profile(
        MINIMAL
        + "  - name: api\n    kind: integration\n    options:\n      paths: [t]\n      env: {KEY: '${SERVICE_API_KEY}'}\n"
    )
    text = path.read_text().replace(
        "base_url: http://127.0.0.1:8080", "base_url: http://127.0.0.1:8080\n  auth: {type: bearer, token: '${TOKEN}'}"
    )
    path.write_text(text)
    loaded = load_profile(path, {"TOKEN": "tok-123456", "SERVICE_API_KEY": "key-abcdef"})
    assert loaded.profile.target.auth is not None
    assert loaded.resolved["target"]["auth"]["token"] == "***"  # type: ignore[index]
    assert loaded.resolved["suites"][1]["options"]["env"]["KEY"] == "***"  # type: ignore[index]
    assert "tok-123456" not in repr(loaded.resolved)
    assert {"tok-123456", "key-abcdef"} <= loaded.secrets
    other = load_profile(path, {"TOKEN": "different-token", "SERVICE_API_KEY": "key-abcdef"})
    assert other.sha256 == loaded.sha256  # the fingerprint does not depend on secret values


def test_auth_secrets_inside_suite_options_are_secrets_too(write_profile: Callable[..., Path]) -> None:
    """Access-control roles log in with the target's auth kinds, written in the suite's options."""
    path = write_profile(
        """\
        project: {name: P}
        target: {base_url: "http://127.0.0.1:8080"}
        suites:
          - name: access
            kind: access-control
            options:
              roles:
                a: {auth: {type: login, username: alice, password: pw-of-alice}}
                b: {auth: {type: bearer, token: tok-of-bob}}
                c: {auth: {type: header, name: X-Api-Key, value: key-of-carol}}
              endpoints: [{path: /x, expect: {a: allowed}}]
        """
    )
    loaded = load_profile(path, {})
    roles = loaded.resolved["suites"][0]["options"]["roles"]  # type: ignore[index]
    assert roles["a"]["auth"] == {"type": "login", "username": "alice", "password": "***"}
    assert roles["b"]["auth"]["token"] == "***" and roles["c"]["auth"]["value"] == "***"
    assert roles["c"]["auth"]["name"] == "X-Api-Key"
    assert {"pw-of-alice", "tok-of-bob", "key-of-carol"} <= loaded.secrets and "alice" not in loaded.secrets


def test_every_problem_is_reported_at_once(write_profile: Callable[..., Path]) -> None:
    path = write_profile(
        """\
        project: {name: X, stage: testng}
        target:
          base_url: http://127.0.0.1:8080
          timout: 3
        suites:
          - name: unit
            kind: unit
            options: {paths: [x]}
        report: {language: fr}
        """
    )
    issues = issues_of(path)
    assert len(issues) == 3
    assert issues[0] == f"{path}:4: target.timout: unknown key 'timout' (did you mean 'timeout'?)"
    assert issues[1] == f"{path}:9: report.language: Input should be 'zh-CN' or 'en'"
    # the stage is checked against the project's stage plan (`stages:`, default: the seven stages)
    assert issues[2].startswith(f"{path}:1: stages: project.stage 'testng' is not one of the stages: initiation,")


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(write_profile: Callable[..., Path]) -> None:
    path = write_profile(MINIMAL + "zzz: 1\n")
    assert issues_of(path) == [
        f"{path}:8: zzz: unknown key 'zzz'; allowed keys: baseline, history, notify, output, project, report, "
        "schedule, stages, suites, target"
    ]


def test_broken_yaml_gives_the_line(write_profile: Callable[..., Path]) -> None:
    path = write_profile("project: {name: X\ntarget: [\n")
    (issue,) = issues_of(path)
    assert issue.startswith(f"{path}:")
    assert "invalid YAML" in issue


def test_duplicate_keys_are_errors(write_profile: Callable[..., Path]) -> None:
    path = write_profile(MINIMAL + "project: {name: Again}\n")
    assert issues_of(path) == [f"{path}:8: project: duplicate key"]


def test_wrong_types_name_the_key(write_profile: Callable[..., Path]) -> None:
    path = write_profile(
        MINIMAL.replace("base_url: http://127.0.0.1:8080", "base_url: http://127.0.0.1\n  timeout: soon")
    )
    (issue,) = issues_of(path)
    assert issue.startswith(f"{path}:4: target.timeout: Input should be a valid number")


def test_target_needs_exactly_one_of_start_and_base_url(write_profile: Callable[..., Path]) -> None:
    path = write_profile(
        MINIMAL.replace("  base_url: http://127.0.0.1:8080\n", "  start: demo\n  base_url: http://x.org\n")
    )
    assert "give exactly one of target.start" in issues_of(path)[0]


def test_host_outside_scope_is_refused(write_profile: Callable[..., Path]) -> None:
    path = write_profile(MINIMAL.replace("127.0.0.1:8080", "example.org\n  scope: [127.0.0.1, localhost]"))
    assert issues_of(path) == [
        f"{path}:3: target.base_url: host 'example.org' is outside target.scope ['127.0.0.1', 'localhost']; "
        "the harness refuses to contact it"
    ]


def test_duplicate_suite_names(write_profile: Callable[..., Path]) -> None:
    path = write_profile(MINIMAL + "  - {name: unit, kind: integration, options: {paths: [y]}}\n")
    assert issues_of(path) == [f"{path}:8: suites[1].name: suite name 'unit' is already used"]


def test_missing_file() -> None:
    with pytest.raises(ProfileError, match="profile file not found"):
        load_profile(Path("/nonexistent/profile.yaml"), {})


def test_shipped_profiles_are_valid(repo: Path) -> None:
    assert load_profile(repo / "profiles" / "demo.yaml", {}).profile.target.start == "demo"
    remote = load_profile(repo / "profiles" / "example-remote.yaml", {"STAGING_API_TOKEN": "t0ken-value"})
    assert remote.profile.target.base_url == "http://127.0.0.1:8080"
    assert remote.resolved["target"]["auth"]["token"] == "***"  # type: ignore[index]


# --- what a profile may be: limits checked before parsing, every failure at FILE:LINE -----------------

BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 8) if i else ', '.join(['x'] * 8)}]\n" for i in range(9))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (MINIMAL + BOMB, 13, "expands to more than 100,000 values"),
        (MINIMAL + "x: &a [1, *a]\n", 8, "alias *a refers to the value that contains it"),
        (MINIMAL + "deep: " + "[" * 70 + "]" * 70 + "\n", 8, "nested more than 64 levels deep"),
        (MINIMAL + "big: " + "9" * 5000 + "\n", 8, "a number of 5000 characters"),
        (MINIMAL + "when: 2024-13-45\n", 8, "cannot read '2024-13-45': month must be in 1..12"),
        (MINIMAL + "bell: \x07\n", 8, "unacceptable character #x0007"),
        (MINIMAL + "blob: !!binary aGk=\n", 8, "tag:yaml.org,2002:binary values are not supported"),
        (MINIMAL + "cmd: !!python/name:os.system ''\n", 8, "could not determine a constructor"),
    ],
    ids=["alias-bomb", "self-alias", "deep", "huge-int", "bad-date", "control-char", "binary", "python-tag"],
)
def test_hostile_yaml_is_refused_at_its_line(
    write_profile: Callable[..., Path], text: str, line: int, message: str
) -> None:
    path = write_profile(text)
    (issue,) = issues_of(path)
    assert issue.startswith(f"{path}:{line}: ") and message in issue, issue


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (MINIMAL.encode() + b"name: caf\xe9\n", 8, "not UTF-8 text (byte 0xe9); save the profile as UTF-8"),
        (MINIMAL.encode("utf-16"), 1, "a NUL byte"),
        (MINIMAL.encode() + b"x: 1\x00\n", 8, "a NUL byte"),
        (b"x: " + b"a" * (1 << 20) + b"\n", 1, "larger than 1 MiB"),
    ],
    ids=["latin-1", "utf-16", "nul", "too-large"],
)
def test_files_that_are_not_profiles_are_refused_before_parsing(
    tmp_path: Path, data: bytes, line: int, message: str
) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes(data)
    (issue,) = issues_of(path)
    assert issue.startswith(f"{path}:{line}: ") and message in issue, issue


def test_an_extends_cycle_names_the_line_that_closes_it(write_profile: Callable[..., Path]) -> None:
    write_profile("project: {name: A}\nextends: b.yaml\n", name="a.yaml")
    b = write_profile("project: {name: B}\n\nextends: a.yaml\n", name="b.yaml")
    (issue,) = issues_of(b)
    assert issue.startswith(f"{b.parent / 'a.yaml'}:2: extends: extends cycle: ")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:-1", "is not a valid URL"),
        ("http://127.0.0.1:0", "port 0"),
        ("http://qa:s3cret@127.0.0.1:8080", "must not contain a user name or password: put credentials in target.auth"),
        ("http://127.0.0.1:8080/a b", "spaces or control characters"),
    ],
)
def test_base_urls_that_cannot_be_right(write_profile: Callable[..., Path], url: str, message: str) -> None:
    path = write_profile(MINIMAL.replace("http://127.0.0.1:8080", f'"{url}"'))
    (issue,) = issues_of(path)
    assert issue.startswith(f"{path}:3: target.base_url: ") and message in issue, issue
    assert "s3cret" not in issue


def test_criteria_that_would_exhaust_the_parser_are_refused(write_profile: Callable[..., Path]) -> None:
    criteria = ["(" * 40 + "failed" + ")" * 40 + " == 0", "failed == " + " + ".join(["1"] * 100), "x" * 600]
    path = write_profile(MINIMAL + f"    criteria: {criteria!r}\n".replace("'", '"'))
    issues = issues_of(path)
    assert [i.split(": ", 2)[2] for i in issues] == [
        "parentheses nested 40 deep; at most 16",
        "99 arithmetic operators; at most 64",
        "a criterion of 600 characters; keep it under 500",
    ]
    assert all(i.startswith(f"{path}:8: suites[0].criteria[") for i in issues)


def test_secrets_in_basic_auth_and_the_base_url_query_are_known(write_profile: Callable[..., Path]) -> None:
    path = write_profile(
        """\
        project: {name: X}
        target:
          base_url: "http://127.0.0.1:8080/?api_key=q-${K}&page=2"
          auth: {type: basic, username: qa, password: "${PW}"}
        suites: [{name: unit, kind: unit, options: {paths: [tests]}}]
        """
    )
    loaded = load_profile(path, {"K": "v4lue", "PW": "pa55word"})
    assert {"q-v4lue", "qa:pa55word", "pa55word"} <= loaded.secrets
    assert "2" not in loaded.secrets


def test_passwords_in_urls_inside_suite_options_are_secrets(write_profile: Callable[..., Path]) -> None:
    path = write_profile(
        """\
        project: {name: P}
        target: {base_url: "http://127.0.0.1:8080"}
        suites:
          - name: parallel
            kind: parallel-run
            options:
              primary: {base_url: "http://127.0.0.1:8081"}
              requests: /dev/null
              data:
                primary: "postgresql://app:s3cr%40t-pw@db.internal/permits"
                candidate: sqlite:///new.sqlite
                tables: [{table: users}]
        """
    )
    loaded = load_profile(path, {})
    data = loaded.resolved["suites"][0]["options"]["data"]  # type: ignore[index]
    assert data["primary"] == "***" and data["candidate"] == "sqlite:///new.sqlite"
    assert "s3cr@t-pw" in loaded.secrets and "app" not in loaded.secrets
