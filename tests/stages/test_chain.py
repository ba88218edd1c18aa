"""``verify --chain`` offline: only the signed PDFs and the trust anchor (real pyHanko signatures)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PLAN, PROJECT, MakeReport
from harness_cli import CliResult, harness

from harness.stages.chain import verify_chain
from harness.stages.close import close_stage
from harness.stages.ledger import Ledger


@pytest.fixture
def chain(make_report: MakeReport, stage_keys: dict[str, Path], tmp_path: Path) -> list[Path]:
    """testing -> training -> go-live, each closed in a ledger and linked by the next."""
    ledger = Ledger.open(tmp_path / "history.sqlite")
    reports: list[Path] = []
    link = None
    for stage in ("testing", "training", "go-live"):
        report = make_report(stage, link)
        outcome = close_stage(PLAN, PROJECT, stage, report, [stage_keys["ca"]], ledger)
        assert outcome.closed, outcome.problems
        assert outcome.closure is not None
        link = outcome.closure.link()
        reports.append(report)
    return reports


def _harness(*args: str) -> CliResult:
    return harness(*args, cwd=Path.cwd())


def test_the_whole_chain_verifies_offline_in_any_order(chain: list[Path], stage_keys: dict[str, Path]) -> None:
    result = verify_chain(list(reversed(chain)), [stage_keys["ca"]])
    assert result.problems == ()
    assert [r.statement.stage.id for r in result.reports if r.statement] == ["testing", "training", "go-live"]
    assert result.ok
    done = _harness("verify", "--chain", *map(str, chain), "--trust", str(stage_keys["ca"]))
    assert done.code == 0, done.stdout + done.stderr
    assert "OK: chain testing -> training -> go-live holds" in done.stdout


def test_tampering_with_any_report_breaks_the_chain(
    chain: list[Path], stage_keys: dict[str, Path], copy_to: Callable[[Path, str], Path]
) -> None:
    copies = [copy_to(path, f"{index}-{path.parent.name}.pdf") for index, path in enumerate(chain)]
    middle = copies[1]
    data = bytearray(middle.read_bytes())
    digit = data.index(b"<", data.index(b"/HarnessStage")) + 21
    data[digit : digit + 1] = b"0" if data[digit : digit + 1] != b"0" else b"1"
    middle.write_bytes(bytes(data))
    done = _harness("verify", "--chain", str(middle.parent), "--trust", str(stage_keys["ca"]), "--json")
    assert done.code == 1, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert not payload["ok"]
    broken = [r for r in payload["reports"] if not r["ok"]]
    assert [Path(r["path"]).name for r in broken] == [middle.name]
    assert "integrity broken" in broken[0]["problems"][0]
    # the changed statement no longer reads as a training report: go-live's link to training has no report
    assert payload["problems"] == [
        f"go-live (2-{chain[2].parent.name}.pdf): follows training in the plan, but the chain gives testing before it"
    ]
    assert broken[0]["stage"] is None


def test_a_replaced_report_does_not_match_the_next_reports_link(
    chain: list[Path], make_report: MakeReport, stage_keys: dict[str, Path]
) -> None:
    from harness.stages.statement import read_statement

    # another, equally well signed training report: not the one go-live's parties signed as its predecessor
    statement = read_statement(chain[1].read_bytes())
    assert statement is not None and statement.stage.previous is not None
    other = make_report("training", statement.stage.previous)
    result = verify_chain([chain[0], other, chain[2]], [stage_keys["ca"]])
    assert not result.ok
    assert any(
        p.startswith("go-live (report.pdf): links training report SHA-256") and "(changed, or another report)" in p
        for p in result.problems
    )


def test_a_gap_or_a_missing_first_report_is_named(chain: list[Path], stage_keys: dict[str, Path]) -> None:
    gap = verify_chain([chain[0], chain[2]], [stage_keys["ca"]])
    assert not gap.ok
    assert any(
        "go-live" in p and "follows training in the plan, but the chain gives testing" in p for p in gap.problems
    )
    headless = verify_chain(chain[1:], [stage_keys["ca"]])
    assert (
        "the chain starts at training, but testing comes before it: its closing report is missing" in headless.problems
    )


def test_a_two_party_report_in_the_chain_is_refused(
    chain: list[Path], make_report: MakeReport, stage_keys: dict[str, Path], tmp_path: Path
) -> None:
    from harness.stages.statement import read_statement

    first = read_statement(chain[0].read_bytes())
    assert first is not None
    ledger = Ledger.open(tmp_path / "history.sqlite")
    link = ledger.closure(PROJECT, "testing")
    assert link is not None
    two = make_report("training", link.link(), parties=("project", "supervision"))
    result = verify_chain([chain[0], two], [stage_keys["ca"]])
    assert not result.ok
    bad = next(r for r in result.reports if r.path == two.resolve())
    assert "the business party has not signed this file" in bad.problems[0]


def test_nothing_to_verify_is_a_usage_error(tmp_path: Path) -> None:
    done = _harness("verify", "--chain", str(tmp_path))
    assert done.code == 2
    assert "no PDF found in" in done.stderr
