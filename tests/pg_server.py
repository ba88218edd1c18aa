"""A real PostgreSQL server for the history tests, and the ``history_url`` fixture that runs a test on both backends.

- ``postgres_server``  one server per test session (per xdist worker): ``initdb`` into a fresh directory,
                       ``pg_ctl start`` on 127.0.0.1 and a free port, password (SCRAM) logins only, stopped
                       and removed at the end. As root, the server runs as the unprivileged ``postgres``
                       user (initdb refuses root). Skipped, saying why, only where the binaries are missing.
                       A session killed hard (SIGKILL, a CI timeout) cannot stop its server: each server's
                       directory name carries the pid of the test process that owns it, and the next session
                       stops and removes the servers whose owner is gone.
- ``history_url``      parametrized: a SQLite file path, and a fresh PostgreSQL database (owned by the
                       unprivileged login ``harness``) whose URL carries the password.

Imported by tests/conftest.py.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

ADMIN = "harness_admin"
USER = "harness"
PASSWORD = "hist-Pa55w0rd-9c1e"  # distinctive: tests grep for it in every output
START_TIMEOUT = 60.0
ROOT_PREFIX = "harness-pg-"


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<version>/bin (newest)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    candidates = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl") if (p.parent / "initdb").exists()]
    candidates.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    run_as: list[str]
    admin_password: str
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str, *, user: str = USER, password: str | None = PASSWORD, port: int | None = None) -> str:
        login = f"{user}:{password}" if password is not None else user
        return f"postgresql://{login}@127.0.0.1:{port or self.port}/{database}"

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=ADMIN, password=self.admin_password, dbname=database,
            autocommit=True, connect_timeout=10,
        )  # fmt: skip

    def create_database(self, owner: str = USER) -> str:
        """A fresh, empty database owned by ``owner`` (copied from template0: fast, no leftovers)."""
        name = f"history_{os.getpid()}_{next(self._names)}"
        with self.admin() as db:
            db.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 STRATEGY FILE_COPY").format(
                    sql.Identifier(name), sql.Identifier(owner)
                )
            )
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as db:
            db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), *args],
            capture_output=True, text=True, timeout=START_TIMEOUT + 30, check=False,
        )  # fmt: skip

    def wait_ready(self) -> None:
        """Poll pg_isready until the server accepts connections (bounded)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-t", "2"],
                capture_output=True, check=False,
            )  # fmt: skip
            if ready.returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL on port {self.port} not ready after {START_TIMEOUT:.0f} s: {self.log()}")

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"


def _server_user() -> tuple[list[str], int, int] | None:
    """How to run the server as an unprivileged user when we are root: (prefix, uid, gid)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def reap_orphans(bindir: Path, run_as: list[str]) -> list[Path]:
    """Stop and remove the servers of test sessions that died without tearing down; returns their directories.

    The owner's pid is part of the directory's name (``harness-pg-<pid>-<random>``), set when the directory is
    created, so a server another worker is setting up right now is never mistaken for an orphan. Of the
    directories older sessions named without their pid only the stopped ones are removed: their owner is unknown."""
    reaped = []
    for root in Path(tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*"):
        owner = root.name.removeprefix(ROOT_PREFIX).split("-")[0]
        running = (root / "data" / "postmaster.pid").exists()
        if (owner.isdigit() and _alive(int(owner))) or (not owner.isdigit() and running):
            continue
        if running:
            subprocess.run(
                [*run_as, str(bindir / "pg_ctl"), "-D", str(root / "data"), "stop", "-m", "immediate", "-w"],
                capture_output=True, timeout=START_TIMEOUT, check=False,
            )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
        reaped.append(root)
    return reaped


def start_server() -> PostgresServer:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package "
            "(`make setup` does as root); the PostgreSQL half of the history tests did not run"
        )
    unprivileged = _server_user()
    run_as = unprivileged[0] if unprivileged else []
    reap_orphans(bindir, run_as)
    # not under pytest's tmp dir: that is private to our user, and the server may run as another one
    root = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-"))
    admin_password = f"admin-{os.getpid()}-{time.monotonic_ns()}"
    (root / "pwfile").write_text(admin_password + "\n")
    if unprivileged:
        os.chmod(root, 0o700)
        for path in (root, root / "pwfile"):
            os.chown(path, unprivileged[1], unprivileged[2])
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(root / "data"), "-U", ADMIN, f"--pwfile={root / 'pwfile'}",
         "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    for _attempt in range(5):  # another process may take the free port between our probe and the server's bind
        server = PostgresServer(bindir, root, _free_port(), run_as, admin_password)
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        started = server.pg_ctl("start", "-w", "-t", str(int(START_TIMEOUT)), "-l", str(root / "server.log"),
                                "-o", options)  # fmt: skip
        if started.returncode == 0:
            server.wait_ready()
            with server.admin() as db:
                db.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(USER), sql.Literal(PASSWORD))
                )
            return server
        if "could not bind" not in server.log() and "Address already in use" not in server.log():
            break
    raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()} {server.log()}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_server()
    try:
        yield server
    finally:
        server.pg_ctl("stop", "-m", "fast", "-w")
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where the test's history lives: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "history.sqlite")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)
