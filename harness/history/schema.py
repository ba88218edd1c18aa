"""The history database's schema (SQLAlchemy Core tables) and its migrations, the same on SQLite and PostgreSQL.

Migrations are applied in order; the version reached is kept in ``PRAGMA user_version`` on SQLite and in
the table ``harness_meta`` on PostgreSQL (see database.py). Each step is a DDL construct compiled for the
database at hand (``FLOAT`` is SQLite's REAL and PostgreSQL's double precision, an autoincrementing key is
``AUTOINCREMENT`` or ``SERIAL``) or a statement portable as written; a step may be limited to one dialect.

Never edit a released migration: append a new one, and keep the tables below (what queries use) equal to
what the migrations build. A database whose version is higher than ``SCHEMA_VERSION`` was written by a
newer harness and is refused, not downgraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.schema import CreateIndex, CreateTable, ExecutableDDLElement
from sqlalchemy.sql.elements import TextClause

APPLICATION_ID = 0x48524E53  # "HRNS": PRAGMA application_id on SQLite, harness_meta.application_id on PostgreSQL

METADATA = MetaData()


def _run_ref() -> Column[str]:
    return Column("run_id", Text, ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False)


def _text(name: str, *, default: bool = True) -> Column[str]:
    return Column(name, Text, nullable=False, server_default="" if default else None)


def _runs(metadata: MetaData) -> Table:
    return Table(
        "runs", metadata,
        Column("run_id", Text, primary_key=True),
        _text("profile", default=False),
        *(_text(name) for name in ("profile_path", "profile_sha256", "project", "stage", "target", "target_url",
                                   "target_version")),
        _text("verdict", default=False),
        _text("started", default=False),  # UTC ISO 8601 with microseconds: text order is time order
        Column("finished", Text),
        Column("interrupted", Integer, nullable=False, server_default=text("0")),
        _text("run_dir"),
        _text("recorded", default=False),
    )  # fmt: skip


def _suite_columns() -> list[Column[Any]]:
    return [
        _run_ref(),
        _text("name", default=False),
        _text("kind", default=False),
        _text("status", default=False),
        Column("started", Text),
        Column("finished", Text),
        _text("error"),
    ]


runs = _runs(METADATA)
Index("runs_by_profile", runs.c.profile, runs.c.started)
Index("runs_by_start", runs.c.started)
suites = Table(
    "suites", METADATA, *_suite_columns(),
    Column("ordinal", Integer, nullable=False, server_default=text("0")),  # the suite's place in its run (v3)
    PrimaryKeyConstraint("run_id", "name"),
)  # fmt: skip
metrics = Table(
    "metrics", METADATA, _run_ref(), _text("suite", default=False), _text("name", default=False),
    Column("value", Float, nullable=False), PrimaryKeyConstraint("run_id", "suite", "name"),
)  # fmt: skip
endpoint_metrics = Table(
    "endpoint_metrics", METADATA, _run_ref(), _text("suite", default=False), _text("endpoint", default=False),
    _text("name", default=False), Column("value", Float, nullable=False),
    PrimaryKeyConstraint("run_id", "suite", "endpoint", "name"),
)  # fmt: skip
findings = Table(
    "findings", METADATA, _run_ref(), _text("suite", default=False), _text("fingerprint", default=False),
    _text("rule_id"), _text("name"), _text("risk", default=False), _text("action", default=False),
    Column("instances", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("run_id", "suite", "fingerprint"),
)  # fmt: skip
tags = Table(
    "tags", METADATA, _text("profile", default=False), _text("tag", default=False), _run_ref(),
    _text("created", default=False), PrimaryKeyConstraint("profile", "tag"),
)  # fmt: skip
schedules = Table(
    "schedules", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _text("profile_path", default=False), _text("name"), _text("cron", default=False),
    _text("timezone", default=False), Column("suites", Text, nullable=False, server_default="[]"),
    Column("misfire_grace", Float, nullable=False, server_default=text("3600")),
    _text("created", default=False),
    sqlite_autoincrement=True,
)  # fmt: skip
schedule_state = Table(
    "schedule_state", METADATA, Column("key", Text, primary_key=True), _text("last_due", default=False)
)
schedule_log = Table(
    "schedule_log", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _text("key", default=False), _text("profile", default=False), _text("due", default=False),
    Column("fired", Text), Column("finished", Text), _text("outcome", default=False), _text("run_id"),
    _text("verdict"), Column("pid", Integer), _text("detail"),
    sqlite_autoincrement=True,
)  # fmt: skip
Index("schedule_log_by_key", schedule_log.c.key, schedule_log.c.due)

# the stage ledger (harness/stages/ledger.py): the signed report that closed each stage of a project
stage_closures = Table(
    "stage_closures", METADATA,
    _text("project", default=False), _text("stage", default=False),
    Column("position", Integer, nullable=False, server_default=text("0")),
    _text("run_id", default=False), _text("pdf_sha256", default=False),
    Column("signers", Text, nullable=False, server_default="[]"),  # JSON: party, signer, certificate, time
    _text("report_path"), _text("closed", default=False),
    PrimaryKeyConstraint("project", "stage"),
)  # fmt: skip

RUN_TABLES = (runs, suites, metrics, endpoint_metrics, findings)  # a run and what belongs to it
SCHEDULE_TABLES = (schedules, schedule_state, schedule_log)

# Version 1 had no suites.ordinal: its suites table, for migration 1 (and a runs table for its foreign key).
_V1 = MetaData()
_runs(_V1)
_suites_v1 = Table("suites", _V1, *_suite_columns(), PrimaryKeyConstraint("run_id", "name"))


@dataclass(frozen=True)
class Step:
    """One statement of a migration; ``dialect`` limits it to ``sqlite`` or ``postgresql``."""

    statement: ExecutableDDLElement | TextClause
    dialect: str | None = None


def _create(*tables: Table) -> tuple[Step, ...]:
    steps: list[Step] = []
    for table in tables:
        steps.append(Step(CreateTable(table)))
        steps += [Step(CreateIndex(index)) for index in sorted(table.indexes, key=lambda i: str(i.name))]
    return tuple(steps)


MIGRATIONS: tuple[tuple[Step, ...], ...] = (
    # 1: runs with their suites, metrics, endpoint metrics, findings; tags naming baselines
    _create(runs, _suites_v1, metrics, endpoint_metrics, findings, tags),
    # 2: schedules added with `harness schedule add`, and what the scheduler did with every schedule
    _create(schedules, schedule_state, schedule_log),
    # 3: the order of suites within a run (SQLite kept it by rowid, which PostgreSQL has not)
    (
        Step(text("ALTER TABLE suites ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0")),
        Step(text("UPDATE suites SET ordinal = rowid"), dialect="sqlite"),
    ),
    # 4: the stage ledger: which signed report closed which stage of a project (`harness stage close`)
    _create(stage_closures),
)

SCHEMA_VERSION = len(MIGRATIONS)
