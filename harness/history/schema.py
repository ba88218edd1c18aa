"""The history database's schema, as a list of migrations applied in order (``PRAGMA user_version``).

Never edit a released migration: append a new one. A database whose version is higher than
``SCHEMA_VERSION`` was written by a newer harness and is refused, not downgraded.
"""

from __future__ import annotations

APPLICATION_ID = 0x48524E53  # "HRNS" in PRAGMA application_id: marks the file as an acceptance-harness history

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: runs with their suites, metrics, endpoint metrics, findings; tags naming baselines
    (
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            profile TEXT NOT NULL,
            profile_path TEXT NOT NULL DEFAULT '',
            profile_sha256 TEXT NOT NULL DEFAULT '',
            project TEXT NOT NULL DEFAULT '',
            stage TEXT NOT NULL DEFAULT '',
            target TEXT NOT NULL DEFAULT '',
            target_url TEXT NOT NULL DEFAULT '',
            target_version TEXT NOT NULL DEFAULT '',
            verdict TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            interrupted INTEGER NOT NULL DEFAULT 0,
            run_dir TEXT NOT NULL DEFAULT '',
            recorded TEXT NOT NULL
        )""",
        "CREATE INDEX runs_by_profile ON runs (profile, started)",
        "CREATE INDEX runs_by_start ON runs (started)",
        """CREATE TABLE suites (
            run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            started TEXT,
            finished TEXT,
            error TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (run_id, name)
        )""",
        """CREATE TABLE metrics (
            run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            suite TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run_id, suite, name)
        )""",
        """CREATE TABLE endpoint_metrics (
            run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            suite TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run_id, suite, endpoint, name)
        )""",
        """CREATE TABLE findings (
            run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            suite TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            rule_id TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '',
            risk TEXT NOT NULL,
            action TEXT NOT NULL,
            instances INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, suite, fingerprint)
        )""",
        """CREATE TABLE tags (
            profile TEXT NOT NULL,
            tag TEXT NOT NULL,
            run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            created TEXT NOT NULL,
            PRIMARY KEY (profile, tag)
        )""",
    ),
    # 2: schedules added with `harness schedule add`, and what the scheduler did with every schedule
    (
        """CREATE TABLE schedules (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            profile_path TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            cron TEXT NOT NULL,
            timezone TEXT NOT NULL,
            suites TEXT NOT NULL DEFAULT '[]',
            misfire_grace REAL NOT NULL DEFAULT 3600,
            created TEXT NOT NULL
        )""",
        """CREATE TABLE schedule_state (
            key TEXT PRIMARY KEY,
            last_due TEXT NOT NULL
        )""",
        """CREATE TABLE schedule_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL,
            profile TEXT NOT NULL,
            due TEXT NOT NULL,
            fired TEXT,
            finished TEXT,
            outcome TEXT NOT NULL,
            run_id TEXT NOT NULL DEFAULT '',
            verdict TEXT NOT NULL DEFAULT '',
            pid INTEGER,
            detail TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX schedule_log_by_key ON schedule_log (key, due)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
