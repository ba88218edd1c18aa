"""RunnerSetupError keeps the catalogue message it is given, so the pipeline can carry it into the report;
``str()`` is the English text the CLI prints. A plug-in's plain string works as before."""

from __future__ import annotations

import pickle

from harness.errors import HarnessError, RunnerSetupError
from harness.results.messages import message, render


def test_a_runner_setup_error_keeps_its_message_and_reads_as_english() -> None:
    reason = message("setup.locust.locustfile_missing", path="/srv/load/locustfile.py")
    error = RunnerSetupError(reason)
    assert error.reason is reason and isinstance(error, HarnessError)
    assert str(error) == "locustfile not found: /srv/load/locustfile.py"
    assert render(reason, "zh-CN") == "找不到 locustfile：/srv/load/locustfile.py"
    assert str(pickle.loads(pickle.dumps(error))) == str(error)  # crosses a process boundary as its text


def test_a_plug_ins_plain_string_still_works() -> None:
    error = RunnerSetupError("the vendor service is down")
    assert error.reason == str(error) == "the vendor service is down"
