"""Exceptions the harness raises on purpose.

    HarnessError                 anything the user can act on; cli.py prints it without a traceback
    ├── ProfileError             the profile is invalid: every problem as FILE:LINE: key.path: message
    ├── ScopeError               a URL outside the profile's target.scope was about to be contacted
    ├── TargetError              the target could not be started, reached or logged into
    ├── RunnerSetupError         a suite could not run (tool missing, bad path); the suite becomes `error`
    ├── ZapError                 ZAP answered an API call with an error code
    ├── ZapUnavailable           ZAP did not answer (not running, died, hung past the call's time limit)
    ├── ImportFormatError        a foreign result file is malformed: FILE:LINE: reason
    ├── ImportRefused            `harness import` cannot change this run (suite name taken, report signed)
    ├── SheetError               a filled UAT sheet cannot be used: FILE:ROW: reason
    ├── EvidenceError            a UAT evidence file to attach does not exist or cannot be read
    ├── ExportError              an exporter could not write its output
    ├── RunDirectoryError        a run directory is missing, unreadable or from a newer schema
    ├── SigningError             signing or verifying a report failed
    ├── HistoryError             the run history database cannot be used (not SQLite, newer schema, unknown run)
    ├── ScheduleError            a schedule is invalid (cron, time zone) or the scheduler cannot start
    └── ServeError               the dashboard cannot start (non-loopback bind without a token, no reports folder)

A failing test is data (a TestCase with status failed), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class HarnessError(Exception):
    """Base of every error the harness reports to the user as a message, not a traceback."""


@dataclass(frozen=True)
class ProfileIssue:
    """One problem in a profile, located as precisely as the YAML allows."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ProfileError(HarnessError):
    """Raised when a profile cannot be loaded; carries every issue found, not just the first.

    ``source`` (the parsed YAML, when parsing got that far) lets later checks add their issues too.
    """

    def __init__(self, issues: list[ProfileIssue], source: object = None) -> None:
        self.issues = issues
        self.source = source
        super().__init__("\n".join(str(issue) for issue in issues))


class ScopeError(HarnessError):
    """Raised before a request to a host that the profile's target.scope does not allow."""


class TargetError(HarnessError):
    """Raised when the target system cannot be started, reached or authenticated against."""


class Sentence(Protocol):
    """A sentence from the harness's message catalogue (``harness.results.model.Message``): a key the report
    renders in its language; ``str()`` is the English text. Declared here so this module imports nothing."""

    @property
    def key(self) -> str: ...

    @property
    def text(self) -> str: ...


class RunnerSetupError(HarnessError):
    """Raised by a runner whose suite cannot run at all; the pipeline records the suite as `error`.

    The harness's runners raise it with a catalogue message, ``RunnerSetupError(message("setup.…", …))``,
    which the pipeline carries into the suite's result so every report language can say why; ``str(exc)`` is
    the English text (what the CLI prints). A plain string (a plug-in's own words) still works: the report
    shows it as written.
    """

    def __init__(self, reason: Sentence | str) -> None:
        super().__init__(str(reason))
        self.reason = reason


class ZapError(HarnessError):
    """ZAP answered a call with an API error code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class ZapUnavailable(HarnessError):
    """ZAP did not answer (not running, died, or hung past the call's time limit)."""

    def __init__(self, message: str, closed: bool = False) -> None:
        super().__init__(message)
        self.closed = closed  # something accepted the connection and closed it without a reply


class ImportFormatError(HarnessError):
    """Raised by an importer for a malformed file; the message starts with FILE:LINE."""


class ImportRefused(HarnessError):
    """The run directory cannot take this import (suite name taken, report already signed)."""


class SheetError(HarnessError):
    """A filled UAT sheet cannot be used: one ``FILE:ROW: reason`` per problem, every problem of the sheet."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class EvidenceError(HarnessError):
    """An evidence file to attach does not exist or cannot be read."""


class ExportError(HarnessError):
    """Raised when an exporter cannot produce its output."""


class RunDirectoryError(HarnessError):
    """Raised for a run directory that cannot be read (missing run.json, newer schema)."""


class SigningError(HarnessError):
    """Raised when a report cannot be signed or its signatures cannot be checked."""


class HistoryError(HarnessError):
    """Raised when the run history cannot be read or written; the database file is never overwritten."""


class ScheduleError(HarnessError):
    """Raised for an invalid schedule (cron expression, time zone, unknown schedule) or a scheduler that
    cannot start."""


class ServeError(HarnessError):
    """Raised when ``harness serve`` cannot start: a bind beyond loopback without credentials, a weak
    token, a reports folder that does not exist."""
