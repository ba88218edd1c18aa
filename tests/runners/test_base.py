"""The runner contract's shared pieces (``RunContext.steps``)."""

from __future__ import annotations

import logging
from pathlib import Path

from harness.cancel import CancelToken
from harness.profile.scope import Scope
from harness.redaction import Redactor
from harness.runners.base import RunContext
from harness.target.handle import TargetHandle


class RecordedProgress:
    """A progress display that keeps what it was told."""

    def __init__(self) -> None:
        self.updates: list[tuple[float | None, float | None, str]] = []

    def update(
        self, *, total: float | None = None, completed: float | None = None, advance: float = 0, detail: str = ""
    ) -> None:
        self.updates.append((completed, total, detail))

    def log(self, message: str) -> None:
        raise AssertionError(f"steps logs nothing, got {message!r}")


def context(tmp_path: Path, progress: RecordedProgress, cancel: CancelToken) -> RunContext:
    return RunContext(
        target=TargetHandle(name="t", base_url="http://127.0.0.1:9", scope=Scope(["127.0.0.1"])),
        run_dir=tmp_path, raw_dir=tmp_path, base_dir=tmp_path, progress=progress, cancel=cancel,
        redactor=Redactor([]), log=logging.getLogger("test"),
    )  # fmt: skip


def test_steps_give_every_item_in_order_and_show_each_before_it_runs(tmp_path: Path) -> None:
    progress = RecordedProgress()
    ctx = context(tmp_path, progress, CancelToken())
    seen = []
    for item in ctx.steps(["a", "bb", "ccc"], lambda item: f"step {item}"):
        seen.append((item, len(progress.updates)))
    assert seen == [("a", 1), ("bb", 2), ("ccc", 3)]
    assert progress.updates == [(0, 3, "step a"), (1, 3, "step bb"), (2, 3, "step ccc")]


def test_steps_stop_between_two_steps_once_the_run_is_cancelled(tmp_path: Path) -> None:
    progress, cancel = RecordedProgress(), CancelToken()
    done = []
    for item in context(tmp_path, progress, cancel).steps([1, 2, 3, 4], str):
        done.append(item)
        if item == 2:
            cancel.cancel("interrupted")  # while step 2 runs: it finishes, step 3 never starts
    assert done == [1, 2]
    assert [detail for _, _, detail in progress.updates] == ["1", "2"]


def test_steps_of_a_run_cancelled_before_them_give_nothing(tmp_path: Path) -> None:
    progress, cancel = RecordedProgress(), CancelToken()
    cancel.cancel("interrupted")
    assert list(context(tmp_path, progress, cancel).steps(["a"], str)) == []
    assert progress.updates == []
