"""File locks (``flock``) that keep one scheduler per history and one run per profile at a time.

A lock belongs to the open file, so it is released when every process holding it is gone — however it
ended, even ``kill -9``. The scheduler hands a profile's lock to the run's process (``pass_fds``), so a
run outliving a killed scheduler still holds it until it ends.
"""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path


class FileLock:
    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def try_acquire(cls, path: Path) -> FileLock | None:
        """The lock, or None when another process holds it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return cls(fd, path)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing our descriptor; a child that inherited it keeps the lock until it exits
            self.fd = -1


def holder(path: Path) -> str:
    """The pid written by the lock's holder, for messages ("" when unknown)."""
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def lock_directory(history: Path) -> Path:
    return history.with_name(history.name + ".locks")


def profile_lock_path(history: Path, profile: str) -> Path:
    return lock_directory(history) / f"profile-{re.sub(r'[^A-Za-z0-9_.-]', '_', profile)}.lock"


def scheduler_lock_path(history: Path) -> Path:
    return lock_directory(history) / "scheduler.lock"
