"""Runs in the history: record (idempotent, one transaction), look up, list, find baselines, tag."""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import HistoryError
from harness.history.database import Database, parse_timestamp, timestamp
from harness.history.records import RunRecord, SuiteSnapshot
from harness.results.model import FindingRef, Risk, RuleAction, RunResult, SuiteStatus, Verdict

_RUN_COLUMNS = (
    "run_id", "profile", "profile_path", "profile_sha256", "project", "stage", "target", "target_url",
    "target_version", "verdict", "started", "finished", "interrupted", "run_dir", "recorded",
)  # fmt: skip
_UPSERT_RUN = (
    f"INSERT INTO runs ({', '.join(_RUN_COLUMNS)}) VALUES ({', '.join('?' for _ in _RUN_COLUMNS)}) "
    f"ON CONFLICT (run_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _RUN_COLUMNS[1:])}"
)
_CHILD_TABLES = ("suites", "metrics", "endpoint_metrics", "findings")


class RunStore:
    """The runs of one history database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> RunStore:
        """Raises HistoryError (see :meth:`Database.open`)."""
        return cls(Database.open(path, create=create))

    def record(self, run: RunResult, run_dir: Path | str) -> None:
        """Insert or replace ``run`` (recording the same run again updates it)."""
        record = RunRecord.of(run, str(run_dir))
        with self.database.writing() as db:
            db.execute(
                _UPSERT_RUN,
                (
                    record.run_id, record.profile, record.profile_path, record.profile_sha256, record.project,
                    record.stage, record.target, record.target_url, record.target_version, record.verdict.value,
                    timestamp(record.started), timestamp(record.finished) if record.finished else None,
                    int(record.interrupted), record.run_dir, timestamp(datetime.now(UTC)),
                ),
            )  # fmt: skip
            for table in _CHILD_TABLES:
                db.execute(f"DELETE FROM {table} WHERE run_id = ?", (record.run_id,))
            _insert_suites(db, record.run_id, record.suites)

    def get(self, run_id: str) -> RunRecord | None:
        with self.database.reading() as db:
            row = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            return _load(db, [row])[0] if row else None

    def resolve(self, text: str) -> RunRecord:
        """A run by its id or an unambiguous prefix of it.

        Raises:
            HistoryError: no such run, or the prefix matches several.
        """
        found = self.get(text)
        if found is not None:
            return found
        with self.database.reading() as db:
            pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            ids = [r[0] for r in db.execute("SELECT run_id FROM runs WHERE run_id LIKE ? ESCAPE '\\'", (pattern,))]
            if len(ids) == 1:
                return self.get(ids[0])  # type: ignore[return-value]
            if len(ids) > 1:
                raise HistoryError(f"{text!r} matches {len(ids)} runs ({', '.join(ids[:3])}, ...); give more of the id")
            every = [r[0] for r in db.execute("SELECT run_id FROM runs")]
        close = difflib.get_close_matches(text, every, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (`harness history list` shows the runs)"
        raise HistoryError(f"no run {text!r} in the history at {self.database.path}{hint}")

    def list(self, profile: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The newest runs first."""
        with self.database.reading() as db:
            if profile is None:
                rows = db.execute("SELECT * FROM runs ORDER BY started DESC LIMIT ?", (limit,)).fetchall()
            else:
                rows = db.execute(
                    "SELECT * FROM runs WHERE profile = ? ORDER BY started DESC LIMIT ?", (profile, limit)
                ).fetchall()
            return _load(db, rows)

    def latest_with_suite(
        self, profile: str, suite: str, before: datetime, *, verdict: Verdict | None, exclude: str = ""
    ) -> RunRecord | None:
        """The newest finished run of ``profile`` started before ``before`` in which ``suite`` completed,
        optionally only runs with ``verdict``."""
        query = (
            "SELECT r.* FROM runs r JOIN suites s ON s.run_id = r.run_id AND s.name = ? "
            "AND s.status IN ('passed', 'failed') "
            "WHERE r.profile = ? AND r.started < ? AND r.finished IS NOT NULL AND r.run_id != ?"
        )
        parameters: list[object] = [suite, profile, timestamp(before), exclude]
        if verdict is not None:
            query += " AND r.verdict = ?"
            parameters.append(verdict.value)
        with self.database.reading() as db:
            row = db.execute(query + " ORDER BY r.started DESC LIMIT 1", parameters).fetchone()
            return _load(db, [row])[0] if row else None

    def tag(self, run_id: str, tag: str) -> str | None:
        """Point ``tag`` of the run's profile at ``run_id``; returns the run it named before, if any."""
        with self.database.writing() as db:
            row = db.execute("SELECT profile FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise HistoryError(f"no run {run_id!r} in the history")
            before = db.execute("SELECT run_id FROM tags WHERE profile = ? AND tag = ?", (row[0], tag)).fetchone()
            db.execute(
                "INSERT INTO tags (profile, tag, run_id, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (profile, tag) DO UPDATE SET run_id = excluded.run_id, created = excluded.created",
                (row[0], tag, run_id, timestamp(datetime.now(UTC))),
            )
            return str(before[0]) if before and before[0] != run_id else None

    def tagged(self, profile: str, tag: str) -> RunRecord | None:
        with self.database.reading() as db:
            row = db.execute("SELECT run_id FROM tags WHERE profile = ? AND tag = ?", (profile, tag)).fetchone()
        return self.get(row[0]) if row else None


def _insert_suites(db: sqlite3.Connection, run_id: str, suites: Iterable[SuiteSnapshot]) -> None:
    for suite in suites:
        db.execute(
            "INSERT INTO suites (run_id, name, kind, status, started, finished, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                run_id, suite.name, suite.kind, suite.status.value,
                timestamp(suite.started) if suite.started else None,
                timestamp(suite.finished) if suite.finished else None,
                suite.error,
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO metrics (run_id, suite, name, value) VALUES (?, ?, ?, ?)",
            [(run_id, suite.name, name, value) for name, value in suite.metrics.items()],
        )
        db.executemany(
            "INSERT INTO endpoint_metrics (run_id, suite, endpoint, name, value) VALUES (?, ?, ?, ?, ?)",
            [
                (run_id, suite.name, endpoint, name, value)
                for endpoint, metrics in suite.endpoints.items()
                for name, value in metrics.items()
            ],
        )
        db.executemany(
            "INSERT INTO findings (run_id, suite, fingerprint, rule_id, name, risk, action, instances) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run_id, suite.name, f.fingerprint, f.rule_id, f.name, f.risk.value, f.action.value, f.instances)
                for f in suite.findings.values()
            ],
        )


def _load(db: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[RunRecord]:
    """Runs with their suites, metrics, endpoints, findings and tags (a few queries for all rows)."""
    if not rows:
        return []
    ids = [row["run_id"] for row in rows]
    marks = ", ".join("?" for _ in ids)
    metrics: dict[tuple[str, str], dict[str, float]] = {}
    for r in db.execute(f"SELECT run_id, suite, name, value FROM metrics WHERE run_id IN ({marks})", ids):
        metrics.setdefault((r[0], r[1]), {})[r[2]] = r[3]
    endpoints: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
    query = f"SELECT run_id, suite, endpoint, name, value FROM endpoint_metrics WHERE run_id IN ({marks})"
    for r in db.execute(query + " ORDER BY endpoint", ids):
        endpoints.setdefault((r[0], r[1]), {}).setdefault(r[2], {})[r[3]] = r[4]
    findings: dict[tuple[str, str], dict[str, FindingRef]] = {}
    for r in db.execute(f"SELECT * FROM findings WHERE run_id IN ({marks})", ids):
        ref = FindingRef(
            fingerprint=r["fingerprint"], rule_id=r["rule_id"], name=r["name"], risk=Risk(r["risk"]),
            action=RuleAction(r["action"]), instances=r["instances"],
        )  # fmt: skip
        findings.setdefault((r["run_id"], r["suite"]), {})[ref.fingerprint] = ref
    suites: dict[str, list[SuiteSnapshot]] = {}
    for r in db.execute(f"SELECT * FROM suites WHERE run_id IN ({marks}) ORDER BY rowid", ids):
        key = (r["run_id"], r["name"])
        suites.setdefault(r["run_id"], []).append(
            SuiteSnapshot(
                name=r["name"], kind=r["kind"], status=SuiteStatus(r["status"]), metrics=metrics.get(key, {}),
                endpoints=endpoints.get(key, {}), findings=findings.get(key, {}), error=r["error"],
                started=parse_timestamp(r["started"]), finished=parse_timestamp(r["finished"]),
            )
        )  # fmt: skip
    tags: dict[str, list[str]] = {}
    for r in db.execute(f"SELECT run_id, tag FROM tags WHERE run_id IN ({marks}) ORDER BY tag", ids):
        tags.setdefault(r[0], []).append(r[1])
    return [_run(row, tuple(suites.get(row["run_id"], ())), tuple(tags.get(row["run_id"], ()))) for row in rows]


def _run(row: sqlite3.Row, suites: tuple[SuiteSnapshot, ...], tags: tuple[str, ...]) -> RunRecord:
    return RunRecord(
        run_id=row["run_id"], profile=row["profile"], verdict=Verdict(row["verdict"]),
        started=parse_timestamp(row["started"]) or datetime.min.replace(tzinfo=UTC),
        finished=parse_timestamp(row["finished"]), project=row["project"], stage=row["stage"],
        target=row["target"], target_url=row["target_url"], target_version=row["target_version"],
        profile_path=row["profile_path"], profile_sha256=row["profile_sha256"],
        interrupted=bool(row["interrupted"]), run_dir=row["run_dir"], suites=suites, tags=tags,
    )  # fmt: skip
