"""The stage ledger on SQLite and on a real PostgreSQL (history migration 4)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.errors import HistoryError
from harness.history.runs import RunStore
from harness.history.schema import MIGRATIONS, SCHEMA_VERSION
from harness.results.model import ChainSigner
from harness.stages.ledger import Closure, Ledger


def _closure(stage: str, position: int, minute: int, project: str = "某市项目") -> Closure:
    return Closure(
        project=project,
        stage=stage,
        position=position,
        run_id=f"{stage}-run",
        pdf_sha256=f"{position:02d}" * 32,
        signers=(
            ChainSigner(party="project", signer="陈明 (DEMO)", certificate_sha256="aa" * 32,
                        signed_at=datetime(2026, 11, 30, 8, minute, tzinfo=UTC)),
            ChainSigner(party="supervision", signer="赵强 (DEMO)", certificate_sha256="bb" * 32),
        ),
        report_path=f"/reports/{stage}/report.pdf",
        closed=datetime(2026, 11, 30, 9, minute, 1, 123456, tzinfo=UTC),
    )  # fmt: skip


def test_closures_round_trip_in_order_and_a_stage_closes_once(history_url: str) -> None:
    ledger = Ledger.open(history_url)
    ledger.record(_closure("testing", 4, 1))
    ledger.record(_closure("training", 5, 2))
    ledger.record(_closure("testing", 4, 3, project="另一个项目"))
    closures = ledger.closures("某市项目")
    assert [c.stage for c in closures] == ["testing", "training"]
    assert closures[0] == _closure("testing", 4, 1)  # every field, the signers' times and the microseconds
    link = closures[1].link()
    assert (link.stage, link.run_id, link.pdf_sha256) == ("training", "training-run", "05" * 32)
    assert link.signers[0].signer == "陈明 (DEMO)" and link.closed_at == closures[1].closed
    with pytest.raises(HistoryError, match="stage testing of 某市项目 is already closed by run testing-run"):
        ledger.record(_closure("testing", 4, 5))
    assert ledger.closure("某市项目", "testing") == _closure("testing", 4, 1)  # the first closure stands
    assert ledger.closure("某市项目", "go-live") is None


def test_a_history_from_before_the_ledger_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    RunStore.open(path)  # today's schema, then cut back to version 3: the ledger table dropped
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE stage_closures")
        db.execute("PRAGMA user_version = 3")
        db.execute(
            "INSERT INTO runs (run_id, profile, verdict, started, recorded) "
            "VALUES ('old', 'demo', 'PASS', '2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00')"
        )
    assert len(MIGRATIONS) == SCHEMA_VERSION == 4
    ledger = Ledger.open(path)
    assert ledger.closures("某市项目") == []
    ledger.record(_closure("testing", 4, 1))
    assert RunStore.open(path).get("old") is not None
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 4
