"""The history in the real pipeline: every run recorded, baselines feeding the gate, the comparison in run.json
and summary.json — with the history in a SQLite file and in PostgreSQL (``history: {url: ...}`` in the
profile). The performance and security suites come from an in-process scripted runner."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml
from history_builders import scripted_runners
from pg_server import PASSWORD, PostgresServer

from harness.cancel import CancelToken
from harness.errors import HistoryError
from harness.history import RunStore
from harness.pipeline import RunOutcome, execute
from harness.plan import make_plan, select
from harness.profile import load_profile
from harness.results.model import CriterionOutcome, Verdict

CSP = {"rule": "10038", "name": "CSP header not set", "risk": "medium", "fingerprint": "fp-csp"}
XSS = {"rule": "40012", "name": "Cross Site Scripting (Reflected)", "risk": "high", "fingerprint": "fp-xss"}


def _profile(tmp_path: Path, *, baseline: str | None = "last-pass", p95: float = 0.2,
             findings: list[dict[str, str]] | None = None, extra: dict[str, object] | None = None,
             sleep: float = 0.0, plain: bool = False) -> Path:  # fmt: skip
    profile: dict[str, object] = {
        "project": {"name": "Permit service"},
        "target": {"base_url": "http://127.0.0.1:9"},
        "suites": [
            {
                "name": "load",
                "kind": "performance",
                "options": {
                    "metrics": {"p95": p95, "rps": 120.0, "error_rate": 0.0},
                    "endpoints": {"GET /api/applications": {"p95": p95 * 0.9, "rps": 60.0}},
                    "sleep": sleep,
                },
                "criteria": ["p95 < 2s"]
                if plain
                else [
                    "p95 <= baseline.p95 * 1.10",
                    "p95 < 2s",
                    'endpoint("GET /api/applications").p95 <= baseline.endpoint("GET /api/applications").p95 * 1.5',
                ],
            },
            {
                "name": "scan",
                "kind": "security",
                "options": {"findings": findings if findings is not None else [CSP]},
                "criteria": [] if plain else ["findings.new.high == 0"],
            },
        ],
        "report": {"language": "en"},
        **({"baseline": baseline} if baseline else {}),
        **(extra or {}),
    }
    path = tmp_path / "perf.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return path


def _history(url: str) -> dict[str, object]:
    """The profile's ``history:`` for the test's database (a PostgreSQL URL carries the password literally)."""
    return {"history": {"url": url} if url.startswith("postgresql://") else {"path": url}}


def _run(path: Path, out: Path, cancel: CancelToken | None = None) -> RunOutcome:
    plan = make_plan(load_profile(path), scripted_runners())
    return execute(plan, selected=select(plan, []), out_dir=out, cancel=cancel)


def _criterion(outcome: RunOutcome, expression: str) -> tuple[CriterionOutcome, str, str, str]:
    found = next(c for c in outcome.run.criteria if c.expression == expression)
    return found.outcome, found.expected, found.measured_text, found.message


def test_last_pass_fails_on_a_20_percent_p95_regression(tmp_path: Path, history_url: str) -> None:
    out = tmp_path / "reports"
    first = _run(_profile(tmp_path, p95=0.200, extra=_history(history_url)), out)
    assert first.run.verdict is Verdict.PASS  # nothing to compare with yet: reported, not failed
    outcome, _, _, message = _criterion(first, "p95 <= baseline.p95 * 1.10")
    assert outcome is CriterionOutcome.WARNED and "nothing to compare with yet" in message

    regressed = _run(_profile(tmp_path, p95=0.240, extra=_history(history_url)), out)
    assert regressed.run.verdict is Verdict.FAIL
    assert _criterion(regressed, "p95 <= baseline.p95 * 1.10")[:3] == (
        CriterionOutcome.FAILED, "baseline.p95 * 1.10 = 220 ms", "240 ms"
    )  # fmt: skip
    assert any("p95 <= baseline.p95 * 1.10 failed" in reason for reason in regressed.run.verdict_reasons)

    # the failed run is no "last pass": a run within 10 % of the first one passes again
    recovered = _run(_profile(tmp_path, p95=0.215, extra=_history(history_url)), out)
    assert recovered.run.verdict is Verdict.PASS
    assert recovered.run.comparison is not None
    assert recovered.run.comparison.suites[0].baseline_run == first.run.run_id

    summary = json.loads((regressed.run_dir / "summary.json").read_text())
    load = next(s for s in summary["comparison"]["suites"] if s["suite"] == "load")
    p95 = next(m for m in load["metrics"] if m["name"] == "p95" and not m["endpoint"])
    assert p95["baseline"] == 0.2 and p95["current"] == 0.24 and round(p95["relative"], 3) == 0.2
    history = RunStore.open(history_url).list()
    assert [r.verdict for r in history] == [Verdict.PASS, Verdict.FAIL, Verdict.PASS]
    assert not (out / "history.sqlite").exists()  # the profile's history was used


def test_new_high_finding_fails_against_the_previous_run(tmp_path: Path, history_url: str) -> None:
    out, where = tmp_path / "reports", _history(history_url)
    _run(_profile(tmp_path, baseline="previous", findings=[CSP], extra=where), out)
    second = _run(_profile(tmp_path, baseline="previous", findings=[CSP, XSS], extra=where), out)
    assert _criterion(second, "findings.new.high == 0")[0] is CriterionOutcome.FAILED
    assert second.run.verdict is Verdict.FAIL
    comparison = second.run.comparison
    assert comparison is not None and comparison.baseline == "previous"
    scan = next(s for s in comparison.suites if s.suite == "scan")
    assert [f.name for f in scan.new] == ["Cross Site Scripting (Reflected)"]
    assert [f.fingerprint for f in scan.unchanged] == ["fp-csp"]
    summary = json.loads((second.run_dir / "summary.json").read_text())
    assert summary["comparison"]["new_findings"]["high"] == 1
    # fixed in the third run, compared with the failing second one (previous = whatever the verdict)
    third = _run(_profile(tmp_path, baseline="previous", findings=[XSS], extra=where), out)
    scan = next(s for s in third.run.comparison.suites if s.suite == "scan")  # type: ignore[union-attr]
    assert [f.fingerprint for f in scan.fixed] == ["fp-csp"] and not scan.new


def test_a_tag_names_the_baseline(tmp_path: Path, history_url: str) -> None:
    out, where = tmp_path / "reports", _history(history_url)
    missing = _run(_profile(tmp_path, baseline="accepted", extra=where), out)
    assert missing.run.verdict is Verdict.INCOMPLETE
    _, _, _, message = _criterion(missing, "p95 <= baseline.p95 * 1.10")
    assert "neither a recorded run id nor a tag of profile perf" in message and "--as accepted" in message
    store = RunStore.open(history_url)
    store.tag(missing.run.run_id, "accepted")
    slower = _run(_profile(tmp_path, baseline="accepted", p95=0.5, extra=where), out)
    assert _criterion(slower, "p95 <= baseline.p95 * 1.10")[0] is CriterionOutcome.FAILED
    assert slower.run.comparison.suites[0].baseline_run == missing.run.run_id  # type: ignore[union-attr]
    by_id = _run(_profile(tmp_path, baseline=slower.run.run_id, p95=0.5, extra=where), out)
    assert by_id.run.verdict is Verdict.PASS


def test_every_run_is_recorded_when_it_starts_and_when_it_ends(tmp_path: Path, history_url: str) -> None:
    out = tmp_path / "reports"
    cancel = CancelToken()
    path = _profile(tmp_path, sleep=30, extra=_history(history_url))
    seen: list[str] = []

    def watch() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                runs = RunStore.open(history_url, create=False).list()
            except HistoryError:  # not created yet
                runs = []
            if runs:
                seen.append("unfinished" if runs[0].unfinished else "finished")
                break
            time.sleep(0.05)
        cancel.cancel("test stops the run")

    watcher = threading.Thread(target=watch)
    watcher.start()
    outcome = _run(path, out, cancel)
    watcher.join()
    assert seen == ["unfinished"]
    (record,) = RunStore.open(history_url).list()
    assert record.verdict is Verdict.INCOMPLETE and not record.unfinished and record.interrupted
    assert record.run_dir == str(outcome.run_dir)


def test_a_broken_history_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    (out / "history.sqlite").write_text("not a database\n")  # where output.dir keeps the history
    with pytest.raises(HistoryError, match="is not a SQLite database"):
        _run(_profile(tmp_path, extra={"output": {"dir": "reports"}}), out)
    assert sorted(p.name for p in out.iterdir()) == ["history.sqlite"]  # no run directory was made
    assert (out / "history.sqlite").read_text() == "not a database\n"


def test_history_path_and_switching_it_off(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    _run(_profile(tmp_path, extra={"history": {"path": "db/runs.sqlite"}}), out)
    assert (tmp_path / "db" / "runs.sqlite").is_file() and not (out / "history.sqlite").exists()
    off = _run(_profile(tmp_path, baseline=None, plain=True, extra={"history": {"enabled": False}}), out)
    assert off.run.verdict is Verdict.PASS and off.run.comparison is None
    assert not (out / "history.sqlite").exists()


def test_an_unusable_postgresql_history_stops_the_run_before_it_starts(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    out = tmp_path / "reports"
    wrong = postgres_server.url(postgres_server.create_database(), password="not-" + PASSWORD)
    with pytest.raises(HistoryError, match="refused the password of user 'harness'") as caught:
        _run(_profile(tmp_path, extra=_history(wrong)), out)
    assert PASSWORD not in str(caught.value) and not out.exists()  # no run directory was made


def test_the_password_in_the_url_stays_out_of_the_run_directory(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    """Written literally in the profile (not from ${VAR}), the password is still a secret."""
    url = postgres_server.url(postgres_server.create_database())
    outcome = _run(_profile(tmp_path, extra=_history(url)), tmp_path / "reports")
    assert RunStore.open(url).get(outcome.run.run_id) is not None
    run = json.loads((outcome.run_dir / "run.json").read_text(encoding="utf-8"))
    assert run["profile"]["resolved"]["history"]["url"] == url.replace(PASSWORD, "***")
    leaked = [p for p in outcome.run_dir.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()]
    assert leaked == []
    pdf = subprocess.run(
        ["pdftotext", str(outcome.run_dir / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert pdf.strip() and PASSWORD not in pdf
