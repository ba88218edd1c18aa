"""Runs in the history: record (idempotent, one transaction), look up, list, find baselines, tag."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Row, delete, func, insert, select

from harness.errors import HistoryError
from harness.history.database import Database, parse_timestamp, timestamp, upsert
from harness.history.location import HistoryLocation
from harness.history.records import RunRecord, SuiteSnapshot
from harness.history.schema import endpoint_metrics, findings, metrics, runs, suites, tags
from harness.results.model import FindingRef, Risk, RuleAction, RunResult, SuiteStatus, Verdict

_CHILD_TABLES = (suites, metrics, endpoint_metrics, findings)
_IN_CHUNK = 500  # run ids per IN (...) list: well below SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class ProfileRuns:
    """A profile that has runs in the history: how many, and when the newest started."""

    profile: str
    runs: int
    latest: datetime


class RunStore:
    """The runs of one history database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @classmethod
    def open(cls, where: HistoryLocation | Path | str, *, create: bool = True) -> RunStore:
        """Raises HistoryError (see :meth:`Database.open`)."""
        return cls(Database.open(where, create=create))

    def record(self, run: RunResult, run_dir: Path | str) -> None:
        """Insert or replace ``run`` (recording the same run again updates it)."""
        record = RunRecord.of(run, str(run_dir))
        with self.database.writing() as db:
            write_record(db, record, recorded=timestamp(datetime.now(UTC)))

    def get(self, run_id: str) -> RunRecord | None:
        with self.database.reading() as db:
            row = db.execute(select(runs).where(runs.c.run_id == run_id)).first()
            return load(db, [row])[0] if row else None

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
            query = select(runs.c.run_id).where(runs.c.run_id.like(pattern, escape="\\")).order_by(runs.c.run_id)
            ids = list(db.execute(query).scalars())
            if len(ids) == 1:
                return self.get(ids[0])  # type: ignore[return-value]
            if len(ids) > 1:
                raise HistoryError(f"{text!r} matches {len(ids)} runs ({', '.join(ids[:3])}, ...); give more of the id")
            every = list(db.execute(select(runs.c.run_id)).scalars())
        close = difflib.get_close_matches(text, every, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (`harness history list` shows the runs)"
        raise HistoryError(f"no run {text!r} in the history at {self.database.display}{hint}")

    def profiles(self) -> list[ProfileRuns]:
        """Every profile with runs in the history, the most recently run first."""
        newest = func.max(runs.c.started)
        query = (
            select(runs.c.profile, func.count().label("runs"), newest.label("newest"))
            .group_by(runs.c.profile)
            .order_by(newest.desc(), runs.c.profile)
        )
        with self.database.reading() as db:
            rows = db.execute(query).all()
        epoch = datetime.min.replace(tzinfo=UTC)
        return [ProfileRuns(r.profile, int(r.runs), parse_timestamp(r.newest) or epoch) for r in rows]

    def list(self, profile: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The newest runs first."""
        query = select(runs).order_by(runs.c.started.desc(), runs.c.run_id.desc()).limit(limit)
        if profile is not None:
            query = query.where(runs.c.profile == profile)
        with self.database.reading() as db:
            return load(db, list(db.execute(query)))

    def latest_with_suite(
        self, profile: str, suite: str, before: datetime, *, verdict: Verdict | None, exclude: str = ""
    ) -> RunRecord | None:
        """The newest finished run of ``profile`` started before ``before`` in which ``suite`` completed,
        optionally only runs with ``verdict``."""
        query = (
            select(runs)
            .join(suites, (suites.c.run_id == runs.c.run_id) & (suites.c.name == suite))
            .where(
                suites.c.status.in_(("passed", "failed")),
                runs.c.profile == profile,
                runs.c.started < timestamp(before),
                runs.c.finished.is_not(None),
                runs.c.run_id != exclude,
            )
            .order_by(runs.c.started.desc(), runs.c.run_id.desc())
            .limit(1)
        )
        if verdict is not None:
            query = query.where(runs.c.verdict == verdict.value)
        with self.database.reading() as db:
            row = db.execute(query).first()
            return load(db, [row])[0] if row else None

    def tag(self, run_id: str, tag: str) -> str | None:
        """Point ``tag`` of the run's profile at ``run_id``; returns the run it named before, if any."""
        with self.database.writing() as db:
            profile = db.execute(select(runs.c.profile).where(runs.c.run_id == run_id)).scalar_one_or_none()
            if profile is None:
                raise HistoryError(f"no run {run_id!r} in the history")
            before = db.execute(
                select(tags.c.run_id).where(tags.c.profile == profile, tags.c.tag == tag)
            ).scalar_one_or_none()
            values = {"profile": profile, "tag": tag, "run_id": run_id, "created": timestamp(datetime.now(UTC))}
            upsert(db, tags, values, ("profile", "tag"))
            return str(before) if before and before != run_id else None

    def tagged(self, profile: str, tag: str) -> RunRecord | None:
        with self.database.reading() as db:
            found = db.execute(
                select(tags.c.run_id).where(tags.c.profile == profile, tags.c.tag == tag)
            ).scalar_one_or_none()
        return self.get(found) if found else None


def write_record(db: Connection, record: RunRecord, recorded: str) -> None:
    """Insert or replace one run with everything that belongs to it, inside the caller's transaction."""
    upsert(
        db, runs,
        {
            "run_id": record.run_id, "profile": record.profile, "profile_path": record.profile_path,
            "profile_sha256": record.profile_sha256, "project": record.project, "stage": record.stage,
            "target": record.target, "target_url": record.target_url, "target_version": record.target_version,
            "verdict": record.verdict.value, "started": timestamp(record.started),
            "finished": timestamp(record.finished) if record.finished else None,
            "interrupted": int(record.interrupted), "run_dir": record.run_dir, "recorded": recorded,
        },
        ("run_id",),
    )  # fmt: skip
    for table in _CHILD_TABLES:
        db.execute(delete(table).where(table.c.run_id == record.run_id))
    _insert_suites(db, record.run_id, record.suites)


def _insert_suites(db: Connection, run_id: str, snapshots: Iterable[SuiteSnapshot]) -> None:
    suite_rows: list[dict[str, object]] = []
    metric_rows: list[dict[str, object]] = []
    endpoint_rows: list[dict[str, object]] = []
    finding_rows: list[dict[str, object]] = []
    for ordinal, suite in enumerate(snapshots):
        suite_rows.append(
            {
                "run_id": run_id, "name": suite.name, "kind": suite.kind, "status": suite.status.value,
                "started": timestamp(suite.started) if suite.started else None,
                "finished": timestamp(suite.finished) if suite.finished else None,
                "error": suite.error, "ordinal": ordinal,
            }
        )  # fmt: skip
        metric_rows += [
            {"run_id": run_id, "suite": suite.name, "name": name, "value": value}
            for name, value in suite.metrics.items()
        ]
        endpoint_rows += [
            {"run_id": run_id, "suite": suite.name, "endpoint": endpoint, "name": name, "value": value}
            for endpoint, values in suite.endpoints.items()
            for name, value in values.items()
        ]
        finding_rows += [
            {
                "run_id": run_id, "suite": suite.name, "fingerprint": f.fingerprint, "rule_id": f.rule_id,
                "name": f.name, "risk": f.risk.value, "action": f.action.value, "instances": f.instances,
            }
            for f in suite.findings.values()
        ]  # fmt: skip
    for table, rows in ((suites, suite_rows), (metrics, metric_rows), (endpoint_metrics, endpoint_rows),
                        (findings, finding_rows)):  # fmt: skip
        if rows:
            db.execute(insert(table), rows)


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


def load(db: Connection, rows: Sequence[Row[tuple[object, ...]]]) -> list[RunRecord]:
    """Runs with their suites, metrics, endpoints, findings and tags (a few queries per 500 runs)."""
    if not rows:
        return []
    metric_values: dict[tuple[str, str], dict[str, float]] = {}
    endpoints: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
    refs: dict[tuple[str, str], dict[str, FindingRef]] = {}
    snapshots: dict[str, list[SuiteSnapshot]] = {}
    run_tags: dict[str, list[str]] = {}
    ids = [str(row.run_id) for row in rows]
    for chunk in _chunks(ids):
        for r in db.execute(select(metrics).where(metrics.c.run_id.in_(chunk))):
            metric_values.setdefault((r.run_id, r.suite), {})[r.name] = r.value
        query = select(endpoint_metrics).where(endpoint_metrics.c.run_id.in_(chunk))
        for r in db.execute(query.order_by(endpoint_metrics.c.endpoint, endpoint_metrics.c.name)):
            endpoints.setdefault((r.run_id, r.suite), {}).setdefault(r.endpoint, {})[r.name] = r.value
        for r in db.execute(select(findings).where(findings.c.run_id.in_(chunk))):
            ref = FindingRef(
                fingerprint=r.fingerprint, rule_id=r.rule_id, name=r.name, risk=Risk(r.risk),
                action=RuleAction(r.action), instances=r.instances,
            )  # fmt: skip
            refs.setdefault((r.run_id, r.suite), {})[ref.fingerprint] = ref
        query = select(suites).where(suites.c.run_id.in_(chunk)).order_by(suites.c.run_id, suites.c.ordinal)
        for r in db.execute(query):
            key = (r.run_id, r.name)
            snapshots.setdefault(r.run_id, []).append(
                SuiteSnapshot(
                    name=r.name, kind=r.kind, status=SuiteStatus(r.status), metrics=metric_values.get(key, {}),
                    endpoints=endpoints.get(key, {}), findings=refs.get(key, {}), error=r.error,
                    started=parse_timestamp(r.started), finished=parse_timestamp(r.finished),
                )
            )  # fmt: skip
        query = select(tags.c.run_id, tags.c.tag).where(tags.c.run_id.in_(chunk)).order_by(tags.c.tag)
        for r in db.execute(query):
            run_tags.setdefault(r.run_id, []).append(r.tag)
    return [_run(row, tuple(snapshots.get(row.run_id, ())), tuple(run_tags.get(row.run_id, ()))) for row in rows]


def _run(row: Row[tuple[object, ...]], snapshots: tuple[SuiteSnapshot, ...], names: tuple[str, ...]) -> RunRecord:
    r = row._mapping
    return RunRecord(
        run_id=r["run_id"], profile=r["profile"], verdict=Verdict(r["verdict"]),
        started=parse_timestamp(r["started"]) or datetime.min.replace(tzinfo=UTC),
        finished=parse_timestamp(r["finished"]), project=r["project"], stage=r["stage"],
        target=r["target"], target_url=r["target_url"], target_version=r["target_version"],
        profile_path=r["profile_path"], profile_sha256=r["profile_sha256"],
        interrupted=bool(r["interrupted"]), run_dir=r["run_dir"], suites=snapshots, tags=names,
    )  # fmt: skip
