"""The stage ledger in the run history database: which signed report closed which stage of a project.

One row per closed stage (table ``stage_closures``, history migration 4), on SQLite and PostgreSQL alike.
A closed stage is never reopened or overwritten here: closing it again is refused by ``close.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select

from harness.errors import HistoryError
from harness.history.database import Database, parse_timestamp, timestamp
from harness.history.location import HistoryLocation
from harness.history.schema import stage_closures
from harness.results.model import ChainLink, ChainSigner


@dataclass(frozen=True)
class Closure:
    """One closed stage: the report that closed it and who signed it."""

    project: str
    stage: str
    position: int
    run_id: str
    pdf_sha256: str
    signers: tuple[ChainSigner, ...]
    report_path: str
    closed: datetime

    def link(self) -> ChainLink:
        """What the next stage's report states about this closure."""
        return ChainLink(
            stage=self.stage,
            run_id=self.run_id,
            pdf_sha256=self.pdf_sha256,
            signers=self.signers,
            closed_at=self.closed,
        )


def _signers_json(signers: tuple[ChainSigner, ...]) -> str:
    return json.dumps([s.model_dump(mode="json") for s in signers], ensure_ascii=False)


class Ledger:
    """The stage closures of one history database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @classmethod
    def open(cls, where: HistoryLocation | Path | str, *, create: bool = True) -> Ledger:
        """Raises HistoryError (see :meth:`Database.open`)."""
        return cls(Database.open(where, create=create))

    def closures(self, project: str) -> list[Closure]:
        """The project's closed stages, in the order they were closed."""
        query = (
            select(stage_closures)
            .where(stage_closures.c.project == project)
            .order_by(stage_closures.c.closed, stage_closures.c.position)
        )
        with self.database.reading() as db:
            rows = list(db.execute(query).mappings())
        return [
            Closure(
                project=row["project"],
                stage=row["stage"],
                position=row["position"],
                run_id=row["run_id"],
                pdf_sha256=row["pdf_sha256"],
                signers=tuple(ChainSigner.model_validate(item) for item in json.loads(row["signers"])),
                report_path=row["report_path"],
                closed=parse_timestamp(row["closed"]) or datetime.min,
            )
            for row in rows
        ]

    def closure(self, project: str, stage: str) -> Closure | None:
        return next((c for c in self.closures(project) if c.stage == stage), None)

    def record(self, closure: Closure) -> None:
        """Add ``closure``.

        Raises:
            HistoryError: the stage is already closed (by this or another report), or the database failed.
        """
        with self.database.writing() as db:
            taken = db.execute(
                select(stage_closures.c.run_id).where(
                    stage_closures.c.project == closure.project, stage_closures.c.stage == closure.stage
                )
            ).first()
            if taken is not None:
                raise HistoryError(f"stage {closure.stage} of {closure.project} is already closed by run {taken[0]}")
            db.execute(
                insert(stage_closures).values(
                    project=closure.project,
                    stage=closure.stage,
                    position=closure.position,
                    run_id=closure.run_id,
                    pdf_sha256=closure.pdf_sha256,
                    signers=_signers_json(closure.signers),
                    report_path=closure.report_path,
                    closed=timestamp(closure.closed),
                )
            )
