"""`harness validate` under fuzzing: mutated real profiles never crash it, hang it or lose a line number.

Property-based (Hypothesis): the repository's own profiles, mutated structurally (keys deleted, values of
the wrong type, huge or non-finite numbers, deep nesting, odd Unicode, criteria of every shape) and as
text (YAML alias bombs, truncation, invalid UTF-8, NUL and control bytes, ``extends`` cycles), go through
the real command in-process. Whatever the input:

- the command ends with exit 0 (``OK: ...``) or exit 2, never an exception or a traceback;
- every error line is ``error: FILE:LINE: ...`` (a line number for every problem in the profile);
- no example takes 10 s.

Deterministic (``derandomize``): CI runs the same examples every time, so it never flakes; at least 1,000
of them (``HARNESS_FUZZ_EXAMPLES`` raises the number for a longer local run).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import os
import re
import resource
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cli import app
from harness.runners.registry import load_runners

REPO = Path(__file__).resolve().parents[2]
SEEDS = {name: (REPO / "profiles" / name).read_text(encoding="utf-8") for name in (
    "demo.yaml", "example-remote.yaml", "example-imports.yaml",
)}  # fmt: skip
SEEDS["performance.yaml"] = """\
project: {name: 压力测试, version: "2.0"}
target:
  base_url: http://127.0.0.1:8080/api
  scope: [127.0.0.1, "*.example.gov.cn", 10.0.0.0/8]
  auth: {type: header, name: X-Api-Key, value: "${FUZZ_API_KEY:-k3y}"}
suites:
  - name: load
    kind: performance
    options:
      locustfile: ../suites/performance/locustfile.py
      stages: [{duration: 10s, users: 5}, {duration: 1m, users: 20, spawn_rate: 2}]
      workers: 2
    criteria: ["p95 < 500ms", {expect: "error_rate < 1% for 10s", action: abort}, 'endpoint("GET /x").p95 < 1s']
  - {name: unit, kind: unit, options: {paths: [../suites/unit], coverage: [harness.demo.domain]}}
history: {enabled: true}
baseline: last-pass
schedule: {name: nightly, cron: "0 2 * * *", timezone: Asia/Shanghai}
"""
SEED_DATA = {name: yaml.load(text, Loader=yaml.CSafeLoader) for name, text in SEEDS.items()}
EXAMPLES = max(1000, int(os.environ.get("HARNESS_FUZZ_EXAMPLES", "1000")))
LOCATED = re.compile(r"^error: (?P<file>.+?):(?P<line>\d+): ")

# --- values a profile should not hold -------------------------------------------------------------

ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
) | st.sampled_from(["", " ", "\t", "🙂", "测试", "\u202e", "\ufeff", "a" * 5000, "${", "$${X}", "${UNSET_FUZZ_VAR}",
                     ":100:", "[red]x[/]", "file.yaml:100:", "\\", "'\"", "http://127.0.0.1:-1", "http://u:p@h/"])  # fmt: skip
NUMBERS = st.sampled_from(
    [0, -1, 1, 2**31, 2**63, -(2**63), 10**50, 10**99, 0.0, -0.0, 1e308, -1e308, math.inf, -math.inf, math.nan, 1e-320]
) | st.integers() | st.floats()
CRITERIA = st.sampled_from(
    ["p95 < 500ms", "failed / 0 < 1", "1 < 2", "(" * 200 + "p95" + ")" * 200 + " < 1s", "p95 < " + "1 + " * 500 + "1",
     "- " * 300 + "p95 < 1s", "pass_rate >= 100%", "p95 > 3s for 10s : abort", 'endpoint("GET /x").p95 < 1s',
     "alerts.fail == 0", "baseline.p95 * 1.1 >= p95", "p95 <", "< >", "x" * 1000, "p95 < 1e999ms"]
) | ODD_TEXT  # fmt: skip
SCALARS = NUMBERS | ODD_TEXT | st.booleans() | st.none() | CRITERIA


def nested(depth: int) -> object:
    value: object = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


WEIRD = SCALARS | st.builds(nested, st.integers(1, 120)) | st.lists(SCALARS, max_size=4) | st.dictionaries(
    ODD_TEXT, SCALARS, max_size=3
)

# --- mutations ----------------------------------------------------------------------------------------


def paths(data: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for segment in path[:-1]:
        data = data[segment]
    return data


@st.composite
def mutated_data(draw: st.DrawFn, seed: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 4))):
        every = [p for p in paths(data) if p]
        if not every:
            break
        path = draw(st.sampled_from(every))
        parent = _parent(data, path)
        action = draw(st.sampled_from(["delete", "replace", "replace", "add", "duplicate"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(WEIRD)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(ODD_TEXT | st.sampled_from(["users", "extends", "timeout", "criteria"]))] = draw(WEIRD)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return data


TEXT_EDITS = st.sampled_from(
    ["none", "none", "alias-bomb", "self-alias", "anchors", "truncate", "bytes", "garbage-line", "extends-cycle",
     "extends-missing", "tabs", "bom", "utf16", "long-line"]
)  # fmt: skip
BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else ', '.join(['x'] * 9)}]\n" for i in range(9))


def edit_text(text: str, edit: str, draw: st.DrawFn) -> bytes:
    if edit == "alias-bomb":
        return (text + BOMB).encode()
    if edit == "self-alias":
        return (text + "loop: &loop [a, *loop]\n").encode()
    if edit == "anchors":
        return (text + "base: &b {timeout: 5}\nother: {<<: *b, x: *b}\n").encode()
    if edit == "truncate":
        return text[: draw(st.integers(0, len(text)))].encode()
    if edit == "bytes":
        at = draw(st.integers(0, len(text)))
        return text[:at].encode() + draw(st.binary(min_size=1, max_size=8)) + text[at:].encode()
    if edit == "garbage-line":
        lines = text.splitlines()
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["- - -", "}{", "key: [", "*undefined", "? ", "!!python/object:os.system x", "&a", "%YAML 9.9", "---"])))  # fmt: skip
        return "\n".join(lines).encode()
    if edit == "extends-cycle":
        return ("extends: fuzzed.yaml\n" + text).encode()
    if edit == "extends-missing":
        return ("extends: [base.yaml, nowhere.yaml]\n" + text).encode()
    if edit == "tabs":
        return text.replace("  ", "\t", draw(st.integers(1, 3))).encode()
    if edit == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if edit == "utf16":
        return text.encode("utf-16")
    if edit == "long-line":
        return (text + "note: " + "x" * draw(st.sampled_from([100, 70_000, 1_100_000])) + "\n").encode()
    return text.encode()


@st.composite
def fuzzed_profiles(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[name]
    if draw(st.booleans()):
        data = draw(mutated_data(SEED_DATA[name]))
        unicode = draw(st.booleans())
        # a value the dumper refuses: keep the seed text, the text edits still apply
        with contextlib.suppress(yaml.YAMLError, RecursionError, ValueError):
            text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=unicode, sort_keys=False)
    return edit_text(text, draw(TEXT_EDITS), draw)


# --- the property -------------------------------------------------------------------------------------


@contextlib.contextmanager
def memory_cap(extra: int = 2 << 30) -> Iterator[None]:
    """While inside, this process may grow by ``extra`` bytes of address space: an input that would eat the
    machine's memory (an alias bomb getting through) fails the example with MemoryError instead."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    cap = in_use + extra if hard == resource.RLIM_INFINITY else min(hard, in_use + extra)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profiles/ directory next to suites/, like the repository's, for the relative paths to resolve."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "profiles").mkdir()
    shutil.copy(REPO / "profiles" / "security-rules.tsv", root / "profiles")
    (root / "suites").symlink_to(REPO / "suites")
    (root / "profiles" / "base.yaml").write_text("report: {language: en}\n")
    return root / "profiles"


@pytest.fixture(scope="module")
def validate() -> Iterator[Any]:
    """The real ``harness validate``, with what is the same for every example done once: the command built
    and the runner entry points read (either would take more time than validating a profile)."""
    command = typer.main.get_command(app)
    runners = load_runners()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("harness.cli.run.load_runners", lambda: runners)
        patch.setenv("STAGING_API_TOKEN", "fuzz-token-value")
        yield functools.partial(CliRunner().invoke, command, catch_exceptions=True)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,  # measured below, as a hard 10 s limit
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(profile=fuzzed_profiles())
def test_validate_survives_mutated_profiles(profile: bytes, workspace: Path, validate: Any) -> None:
    path = workspace / "fuzzed.yaml"
    path.write_bytes(profile)
    started = time.monotonic()
    with memory_cap():
        result = validate(["validate", str(path)])
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"validate took {elapsed:.1f}s"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code in (0, 2), result.stdout + result.stderr
    if result.exit_code == 0:
        assert result.stdout.startswith(f"OK: {path}"), result.stdout
        return
    lines = result.stderr.splitlines()
    assert lines, "exit 2 says why"
    for line in lines:
        located = LOCATED.match(line)
        assert located, f"not FILE:LINE: {line!r}"
        if Path(located["file"]) not in (path, workspace / "base.yaml"):  # e.g. the rules file it names
            assert Path(located["file"]).is_file(), line
