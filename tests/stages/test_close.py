"""Closing stages with real signed reports (pyHanko), on a SQLite and a PostgreSQL history: in order,
with the chain link, and every refusal of the issue with its reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PLAN, PROJECT, MakeReport

from harness.stages.close import close_stage
from harness.stages.ledger import Ledger


def _close(ledger: Ledger, stage: str, report: Path, keys: dict[str, Path], **extra: object) -> object:
    return close_stage(PLAN, PROJECT, stage, report, [keys["ca"]], ledger, **extra)  # type: ignore[arg-type]


def test_stages_close_in_order_and_each_report_links_the_one_before(
    make_report: MakeReport, stage_keys: dict[str, Path], history_url: str
) -> None:
    ledger = Ledger.open(history_url)
    testing = make_report("testing")
    outcome = close_stage(PLAN, PROJECT, "testing", testing, [stage_keys["ca"]], ledger)
    assert outcome.problems == ()
    assert outcome.closed
    closure = ledger.closure(PROJECT, "testing")
    assert closure is not None and closure.run_id.startswith("testing-")
    assert {s.party for s in closure.signers} == {"project", "business", "supervision"}
    assert {s.signer for s in closure.signers} == {"陈明 (DEMO)", "刘芳 (DEMO)", "赵强 (DEMO)"}

    training = make_report("training", closure.link())
    outcome = close_stage(PLAN, PROJECT, "training", training, [stage_keys["ca"]], ledger)
    assert outcome.closed, outcome.problems
    assert [c.stage for c in ledger.closures(PROJECT)] == ["testing", "training"]

    again = close_stage(PLAN, PROJECT, "training", training, [stage_keys["ca"]], ledger)
    assert not again.closed
    assert any("training is already closed" in p for p in again.problems)


def test_closing_out_of_order_is_refused(make_report: MakeReport, stage_keys: dict[str, Path], tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path / "history.sqlite")
    golive = make_report("go-live")
    outcome = close_stage(PLAN, PROJECT, "go-live", golive, [stage_keys["ca"]], ledger)
    assert not outcome.closed
    assert "out of order: stage training (培训) comes first and is not closed yet" in outcome.problems
    # the report itself says so too: it was made before training was closed, so it carries no link
    assert any("previous training (not closed when this run started)" in p for p in outcome.problems)
    assert ledger.closures(PROJECT) == []


def test_a_failed_report_is_refused_with_the_verdict(
    make_report: MakeReport, stage_keys: dict[str, Path], tmp_path: Path
) -> None:
    ledger = Ledger.open(tmp_path / "history.sqlite")
    failed = make_report("testing", failures=2)
    outcome = close_stage(PLAN, PROJECT, "testing", failed, [stage_keys["ca"]], ledger)
    assert not outcome.closed
    assert "the run's verdict is FAIL, not PASS: a failed run cannot close a stage" in outcome.problems
    assert "the testing standard is not met: suite unit (failed)" in outcome.problems
    assert ledger.closures(PROJECT) == []


def test_a_report_signed_by_two_parties_only_is_refused(
    make_report: MakeReport, stage_keys: dict[str, Path], tmp_path: Path
) -> None:
    ledger = Ledger.open(tmp_path / "history.sqlite")
    two = make_report("testing", parties=("supervision", "business"))
    outcome = close_stage(PLAN, PROJECT, "testing", two, [stage_keys["ca"]], ledger)
    assert not outcome.closed
    assert len(outcome.problems) == 1
    assert outcome.problems[0].startswith("signatures: FAILED (2 of 3 parties signed)")
    assert "the project party has not signed this file" in outcome.problems[0]


def test_a_tampered_report_is_refused(
    make_report: MakeReport, stage_keys: dict[str, Path], copy_to: Callable[[Path, str], Path], tmp_path: Path
) -> None:
    ledger = Ledger.open(tmp_path / "history.sqlite")
    tampered = copy_to(make_report("testing"), "tampered.pdf")
    data = bytearray(tampered.read_bytes())
    digit = data.index(b"<", data.index(b"/HarnessStage")) + 21  # a hex digit of the stage statement (signed)
    data[digit : digit + 1] = b"0" if data[digit : digit + 1] != b"0" else b"1"
    tampered.write_bytes(bytes(data))
    outcome = close_stage(PLAN, PROJECT, "testing", tampered, [stage_keys["ca"]], ledger)
    assert not outcome.closed
    assert "integrity broken" in outcome.problems[0]


def test_untrusted_signers_and_the_wrong_stage_are_refused(
    make_report: MakeReport, stage_keys: dict[str, Path], tmp_path: Path
) -> None:
    ledger = Ledger.open(tmp_path / "history.sqlite")
    testing = make_report("testing")
    untrusted = close_stage(PLAN, PROJECT, "testing", testing, [], ledger)
    assert any("not trusted: no trust anchor given" in p for p in untrusted.problems)
    wrong = close_stage(PLAN, PROJECT, "training", testing, [stage_keys["ca"]], ledger)
    assert "out of order: stage testing (测试) comes first and is not closed yet" in wrong.problems
    assert "the report is for stage testing, not training" in wrong.problems
    unknown = close_stage(PLAN, PROJECT, "acceptance", testing, [stage_keys["ca"]], ledger)
    assert unknown.problems[0].startswith("'acceptance' is not a stage of this project")


def test_a_report_linking_another_closing_report_is_refused(
    make_report: MakeReport, stage_keys: dict[str, Path], tmp_path: Path
) -> None:
    ledger = Ledger.open(tmp_path / "history.sqlite")
    testing = make_report("testing")
    assert close_stage(PLAN, PROJECT, "testing", testing, [stage_keys["ca"]], ledger).closed
    closure = ledger.closure(PROJECT, "testing")
    assert closure is not None
    forged = closure.link().model_copy(update={"pdf_sha256": "ab" * 32})
    training = make_report("training", forged)
    outcome = close_stage(PLAN, PROJECT, "training", training, [stage_keys["ca"]], ledger)
    assert not outcome.closed
    assert any(
        "the report links testing report abababab" in p and "but testing was closed by" in p for p in outcome.problems
    )


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_report_states_the_stage_in_its_signed_content(make_report: MakeReport, language: str) -> None:
    from harness.stages.statement import read_statement

    report = make_report("testing", language=language)
    statement = read_statement(report.read_bytes())
    assert statement is not None
    assert statement.project == PROJECT and statement.verdict == "PASS"
    assert statement.stage.id == "testing" and statement.stage.names == {"zh-CN": "测试", "en": "Testing"}
    assert statement.stage.position == 4 and statement.stage.previous_stage == ""
    assert all(r.met for r in statement.stage.requirements)
