"""``harness history migrate``: copy a history into another database (SQLite to PostgreSQL, or back).

Idempotent, and it merges: each run is upserted by its id with everything that belongs to it (copying
again replaces it with the source's version), so several runners' SQLite files can be copied into one
shared database one after the other. What cannot be merged is not overwritten but reported:

- a tag the target already has for another run keeps its run;
- schedules, the scheduler's state and its log belong to one history: they are copied only into a target
  that has none yet (or the same ones, from an earlier copy).

Everything is written in one transaction: an interrupted copy leaves the target as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, delete, insert, select, text

from harness.errors import HistoryError
from harness.history.database import Database, upsert
from harness.history.schema import RUN_TABLES, SCHEDULE_TABLES, runs, schedule_log, schedules, tags

BATCH = 500  # runs per round trip


@dataclass
class CopyReport:
    runs: int = 0
    tags: int = 0
    schedules: int = 0
    log_entries: int = 0
    warnings: list[str] = field(default_factory=list)


def copy_history(source: Database, target: Database) -> CopyReport:
    """Copy every run, tag, schedule and scheduler log entry of ``source`` into ``target``.

    Raises:
        HistoryError: source and target are the same database, or either cannot be read or written.
    """
    if source.display == target.display:
        raise HistoryError(f"--from and --to are the same history ({source.display}): nothing to copy")
    report = CopyReport()
    with source.reading() as src, target.writing() as dst:
        for batch in _batches(src):
            _copy_runs(src, dst, batch)
            report.runs += len(batch)
        _copy_tags(src, dst, report)
        _copy_schedules(src, dst, report)
    return report


def _batches(src: Connection) -> Iterator[list[str]]:
    ids = list(src.execute(select(runs.c.run_id).order_by(runs.c.started, runs.c.run_id)).scalars())
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _rows(src: Connection, table: Table, ids: list[str] | None = None) -> list[dict[str, object]]:
    query = select(table).order_by(*table.primary_key.columns)  # the same order on both backends
    if ids is not None:
        query = query.where(table.c.run_id.in_(ids))
    return [dict(row._mapping) for row in src.execute(query)]


def _copy_runs(src: Connection, dst: Connection, ids: list[str]) -> None:
    for row in _rows(src, runs, ids):
        upsert(dst, runs, row, ("run_id",))
    for table in RUN_TABLES[1:]:  # what belongs to the runs: replaced as a whole, as recording a run does
        dst.execute(delete(table).where(table.c.run_id.in_(ids)))
        rows = _rows(src, table, ids)
        if rows:
            dst.execute(insert(table), rows)


def _copy_tags(src: Connection, dst: Connection, report: CopyReport) -> None:
    existing = {(r.profile, r.tag): r.run_id for r in dst.execute(select(tags))}
    for row in _rows(src, tags):
        key = (str(row["profile"]), str(row["tag"]))
        if key in existing and existing[key] != row["run_id"]:
            report.warnings.append(
                f"tag {key[1]!r} of profile {key[0]} names {existing[key]} in the target and {row['run_id']} in the "
                "source: the target's was kept"
            )
            continue
        upsert(dst, tags, row, ("profile", "tag"))
        report.tags += 1


def _copy_schedules(src: Connection, dst: Connection, report: CopyReport) -> None:
    source = {table.name: _rows(src, table) for table in SCHEDULE_TABLES}
    if not any(source.values()):
        return
    present = {table.name: _rows(dst, table) for table in SCHEDULE_TABLES}
    if source == present:
        report.schedules, report.log_entries = len(source["schedules"]), len(source["schedule_log"])
        return  # copied before
    if any(present.values()):
        report.warnings.append(
            f"the target has schedules or a scheduler log of its own: the source's {len(source['schedules'])} "
            f"schedule(s) and {len(source['schedule_log'])} log entries were not copied (add schedules again with "
            "`harness schedule add --history TARGET`)"
        )
        return
    for table in SCHEDULE_TABLES:
        if source[table.name]:
            dst.execute(insert(table), source[table.name])
    if dst.dialect.name == "postgresql":  # ids were copied as they were: move the sequences past them
        for table in (schedules, schedule_log):
            dst.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
            )
    report.schedules, report.log_entries = len(source["schedules"]), len(source["schedule_log"])
