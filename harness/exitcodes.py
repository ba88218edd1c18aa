"""The exit codes of ``harness``, in one place: the CLI exits with them, and ``summary.json`` records the
one the run's verdict gives (``exit_code``) so CI scripts reading the file agree with the process."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASS = 0  # every selected suite completed and every criterion held
    FAIL = 1  # at least one criterion failed
    USAGE = 2  # bad command line, profile or input file; nothing was run
    INCOMPLETE = 3  # a suite could not run or was stopped (target down, tool missing, Ctrl-C), or no report


# keyed by the Verdict values (a StrEnum: its members are these strings), so that commands which never
# judge a run (sign, verify) do not load the result model
VERDICT_EXIT = {"PASS": ExitCode.PASS, "FAIL": ExitCode.FAIL, "INCOMPLETE": ExitCode.INCOMPLETE}
