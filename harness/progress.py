"""Live progress on stderr: a protocol runners report to, and its rich and silent implementations."""

from __future__ import annotations

import threading
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichBar

_STATUS_STYLE = {
    "passed": "green",
    "failed": "red",
    "error": "magenta",
    "incomplete": "yellow",
    "skipped": "dim",
}


class Progress(Protocol):
    """What a runner tells the user while its suite runs (thread-safe)."""

    def update(
        self, *, total: float | None = None, completed: float | None = None, advance: float = 0, detail: str = ""
    ) -> None:
        """Move the current suite's bar; ``detail`` is a short status text such as a test id."""
        ...

    def log(self, message: str) -> None:
        """Print a line above the bar (e.g. a failing test's id)."""
        ...


class SuiteProgress(Progress, Protocol):
    """What the pipeline drives around each suite."""

    def begin_suite(self, name: str, kind: str) -> None: ...

    def end_suite(self, name: str, status: str, summary: str) -> None: ...

    def close(self) -> None: ...


class QuietProgress:
    """No output at all (``--quiet``, tests, library use)."""

    def begin_suite(self, name: str, kind: str) -> None:
        pass

    def end_suite(self, name: str, status: str, summary: str) -> None:
        pass

    def update(
        self, *, total: float | None = None, completed: float | None = None, advance: float = 0, detail: str = ""
    ) -> None:
        pass

    def log(self, message: str) -> None:
        pass

    def close(self) -> None:
        pass


class ConsoleProgress:
    """A rich progress bar per suite on stderr; on a non-terminal only the begin/end lines appear."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._lock = threading.Lock()
        self._bar: RichBar | None = None
        self._task: TaskID | None = None
        self._name = ""

    def begin_suite(self, name: str, kind: str) -> None:
        with self._lock:
            self._name = name
            self.console.print(f"[bold]▶ {name}[/] [dim]({kind})[/]")
            if self.console.is_terminal:
                self._bar = RichBar(
                    SpinnerColumn(),
                    TextColumn("[bold]{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    TextColumn("[dim]{task.fields[detail]}"),
                    console=self.console,
                    transient=True,
                )
                self._bar.start()
                self._task = self._bar.add_task(name, total=None, detail="")

    def update(
        self, *, total: float | None = None, completed: float | None = None, advance: float = 0, detail: str = ""
    ) -> None:
        with self._lock:
            if self._bar is None or self._task is None:
                return
            kwargs: dict[str, object] = {"advance": advance, "detail": detail[-60:]}
            if total is not None:
                kwargs["total"] = total
            if completed is not None:
                kwargs["completed"] = completed
            self._bar.update(self._task, **kwargs)  # type: ignore[arg-type]

    def log(self, message: str) -> None:
        with self._lock:
            self.console.print(f"  {message}", markup=False, highlight=False)

    def end_suite(self, name: str, status: str, summary: str) -> None:
        with self._lock:
            self._stop_bar()
            style = _STATUS_STYLE.get(status, "")
            self.console.print(f"  [{style}]{status}[/] {summary}" if style else f"  {status} {summary}")

    def close(self) -> None:
        with self._lock:
            self._stop_bar()

    def _stop_bar(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            self._task = None
