"""SQLite persistence of the demo service: users, tokens, applications, their audit trail, and feedback."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.demo.domain import Role, Status

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    salt BLOB NOT NULL,
    password_hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username),
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT UNIQUE,
    owner TEXT NOT NULL REFERENCES users(username),
    permit_type TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    area_sqm TEXT,
    days INTEGER,
    fee TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    due_date TEXT
);
CREATE INDEX IF NOT EXISTS applications_owner ON applications(owner);
CREATE INDEX IF NOT EXISTS applications_status ON applications(status);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    category TEXT NOT NULL,
    content TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
"""

DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    # username, display name, role, password — public demo credentials, documented in docs/demo-target.md
    ("zhangsan", "张三", Role.APPLICANT, "demo-applicant-pw"),
    ("lisi", "李四", Role.APPLICANT, "demo-applicant-pw"),
    ("officer", "王审批", Role.OFFICER, "demo-officer-pw"),
    ("admin", "赵管理", Role.ADMIN, "demo-admin-pw"),
)

TOKEN_LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: Role


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 20_000)


def now() -> datetime:
    return datetime.now(UTC)


class Store:
    """One connection guarded by a lock: the demo favours simplicity over write concurrency."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._seed_users()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _seed_users(self) -> None:
        with self.transaction() as db:
            for username, display, role, password in DEMO_USERS:
                if db.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                    continue
                salt = secrets.token_bytes(16)
                db.execute(
                    "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                    (username, display, role.value, salt, _hash(password, salt)),
                )

    def authenticate(self, username: str, password: str) -> User | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        if row is None or not hmac.compare_digest(_hash(password, row["salt"]), row["password_hash"]):
            return None
        return User(row["username"], row["display_name"], Role(row["role"]))

    def users(self) -> list[User]:
        """Every account, by user name (no password material)."""
        with self._lock:
            rows = self._db.execute("SELECT username, display_name, role FROM users ORDER BY username").fetchall()
        return [User(row["username"], row["display_name"], Role(row["role"])) for row in rows]

    def issue_token(self, user: User) -> str:
        token = secrets.token_urlsafe(32)
        with self.transaction() as db:
            db.execute("DELETE FROM tokens WHERE expires_at < ?", (now().isoformat(),))
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?)", (token, user.username, (now() + TOKEN_LIFETIME).isoformat())
            )
        return token

    def user_for_token(self, token: str) -> User | None:
        with self._lock:
            row = self._db.execute(
                "SELECT u.* FROM tokens t JOIN users u ON u.username = t.username "
                "WHERE t.token = ? AND t.expires_at > ?",
                (token, now().isoformat()),
            ).fetchone()
        return None if row is None else User(row["username"], row["display_name"], Role(row["role"]))

    def insert_application(self, owner: str, fields: dict[str, object]) -> int:
        stamp = now().isoformat()
        columns = ["owner", *fields, "status", "created_at", "updated_at"]
        values = [owner, *fields.values(), Status.DRAFT.value, stamp, stamp]
        with self.transaction() as db:
            cursor = db.execute(
                f"INSERT INTO applications ({', '.join(columns)}) VALUES ({', '.join('?' * len(values))})",
                values,
            )
            new_id = int(cursor.lastrowid or 0)
            db.execute(
                "INSERT INTO audit (application_id, action, actor, to_status, at) VALUES (?, 'create', ?, ?, ?)",
                (new_id, owner, Status.DRAFT.value, stamp),
            )
        return new_id

    def get_application(self, application_id: int) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(
                "SELECT * FROM applications WHERE id = ?", (application_id,)
            ).fetchone()
        return row

    def update_application(self, application_id: int, fields: dict[str, object]) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.transaction() as db:
            db.execute(
                f"UPDATE applications SET {assignments}, updated_at = ? WHERE id = ?",
                [*fields.values(), now().isoformat(), application_id],
            )

    def record_transition(
        self,
        application_id: int,
        action: str,
        actor: str,
        old: Status,
        new: Status,
        note: str,
        extra: dict[str, object],
    ) -> None:
        """Change the status only if it is still ``old`` (optimistic check against concurrent moves)."""
        stamp = now().isoformat()
        assignments = "".join(f", {name} = ?" for name in extra)
        with self.transaction() as db:
            changed = db.execute(
                f"UPDATE applications SET status = ?, updated_at = ?{assignments} WHERE id = ? AND status = ?",
                [new.value, stamp, *extra.values(), application_id, old.value],
            ).rowcount
            if changed != 1:
                raise LookupError("the application changed meanwhile")
            db.execute(
                "INSERT INTO audit (application_id, action, actor, from_status, to_status, note, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (application_id, action, actor, old.value, new.value, note, stamp),
            )

    def list_applications(
        self,
        *,
        owner: str | None,
        hide_drafts: bool,
        status: str | None,
        permit_type: str | None,
        query: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[sqlite3.Row]]:
        clauses: list[str] = []
        params: list[object] = []
        if hide_drafts:
            clauses.append("status != ?")
            params.append(Status.DRAFT.value)
        if owner is not None:
            clauses.append("owner = ?")
            params.append(owner)
        if status:
            clauses.append("status = ?")
            params.append(status)
        if permit_type:
            clauses.append("permit_type = ?")
            params.append(permit_type)
        if query:
            clauses.append("(applicant_name LIKE ? OR address LIKE ? OR reference LIKE ? OR description LIKE ?)")
            params.extend([f"%{query}%"] * 4)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM applications {where}", params).fetchone()[0]
            rows = self._db.execute(
                f"SELECT * FROM applications {where} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset]
            ).fetchall()
        return int(total), rows

    def history(self, application_id: int) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(
                "SELECT * FROM audit WHERE application_id = ? ORDER BY id", (application_id,)
            ).fetchall()

    def add_feedback(self, category: str, content: str, contact: str) -> int:
        """Store a visitor's feedback (意见反馈); returns its number."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO feedback (category, content, contact, at) VALUES (?, ?, ?, ?)",
                (category, content, contact, now().isoformat()),
            )
        return int(cursor.lastrowid or 0)
