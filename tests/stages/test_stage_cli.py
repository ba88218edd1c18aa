"""``harness stage status|close`` and the pipeline's part: real runs (pytest suites), real signatures,
the ledger in the run history, the link carried by the next stage's report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PROJECT, MakeReport

from harness.signing import DEMO_PASSWORD, sign_report
from harness.stages.statement import read_statement

SIGNATORIES = """\
report:
  signatories:
    project: {name: 陈明, organisation: 某市大数据中心, certificate: {subject: {CN: 陈明 (DEMO)}}}
    business: {name: 刘芳, organisation: 某市市场监督管理局, certificate: {subject: {CN: 刘芳 (DEMO)}}}
    supervision: {name: 赵强, organisation: 某某工程监理有限公司, certificate: {subject: {CN: 赵强 (DEMO)}}}
stages:
  - {id: initiation, skip: true, reason: accepted on paper}
  - {id: design, skip: true, reason: accepted on paper}
  - {id: development, skip: true, reason: accepted on paper}
  - {id: testing, standard: {suites: [unit, integration], kinds: [unit]}}
  - {id: training, standard: {suites: [STANDARD_SUITE]}}
  - {id: go-live}
"""


def _profile(write: Callable[..., Path], stage: str, suite: str, name: str) -> Path:
    text = f"""\
project: {{name: {PROJECT}, stage: {stage}}}
target: {{base_url: "http://127.0.0.1:9"}}
output: {{dir: out}}
suites:
  - {{name: unit, kind: unit, options: {{paths: [tests]}}}}
  - {{name: {suite}, kind: unit, options: {{paths: [tests]}}}}
""" + SIGNATORIES.replace("STANDARD_SUITE", suite if stage == "training" else "integration")
    return write(text, name)


def test_stage_close_and_status_on_the_command_line(
    make_report: MakeReport,
    stage_keys: dict[str, Path],
    write_profile: Callable[..., Path],
    run_cli: Callable[..., object],
    tmp_path: Path,
) -> None:
    profile = _profile(write_profile, "testing", "integration", "testing.yaml")
    history = str(tmp_path / "history.sqlite")
    testing = make_report("testing")
    trust = ["--trust", str(stage_keys["ca"])]
    closed = run_cli("stage", "close", str(profile), "testing", "--report", str(testing), *trust, "--history", history)
    assert closed.code == 0, closed.stdout + closed.stderr  # type: ignore[attr-defined]
    assert "closed: stage testing by run testing-20250101T000000-abcd" in closed.stdout  # type: ignore[attr-defined]
    again = run_cli("stage", "close", str(profile), "testing", "--report", str(testing), *trust, "--history", history)
    assert again.code == 1  # type: ignore[attr-defined]
    assert "refused: stage testing was not closed" in again.stdout  # type: ignore[attr-defined]
    assert "stage testing is already closed" in again.stdout  # type: ignore[attr-defined]
    status = run_cli("stage", "status", str(profile), "--history", history, "--json")
    assert status.code == 0, status.stderr  # type: ignore[attr-defined]
    states = {s["stage"]: s for s in json.loads(status.stdout)}  # type: ignore[attr-defined]
    assert [s["state"] for s in states.values()] == ["skipped"] * 3 + ["closed", "open", "later"]
    assert states["testing"]["closure"]["pdf_sha256"] == hashlib.sha256(testing.read_bytes()).hexdigest()
    assert {s["signer"] for s in states["testing"]["closure"]["signers"]} == {
        "陈明 (DEMO)",
        "刘芳 (DEMO)",
        "赵强 (DEMO)",
    }
    assert states["training"]["missing"][-1].startswith("its report signed by project, business and supervision")
    missing = run_cli(
        "stage", "close", str(profile), "testing", "--report", str(tmp_path / "nope.pdf"), "--history", history
    )
    assert missing.code == 2 and "cannot read" in missing.stderr  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_real_run_links_the_report_that_closed_the_stage_before(
    stage_keys: dict[str, Path], write_profile: Callable[..., Path], run_cli: Callable[..., object], tmp_path: Path
) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_ok.py").write_text("def test_ok():\n    assert 1 + 1 == 2\n")
    testing = _profile(write_profile, "testing", "integration", "testing.yaml")
    ran = run_cli("run", str(testing), "--json", "--quiet")
    assert ran.code == 0, ran.stdout + ran.stderr  # type: ignore[attr-defined]
    run_dir = Path(json.loads(ran.stdout)["run_dir"])  # type: ignore[attr-defined]
    report = run_dir / "report.pdf"
    statement = read_statement(report.read_bytes())
    assert statement is not None and statement.stage.id == "testing" and statement.stage.previous is None
    assert statement.stage.met and statement.verdict == "PASS"
    (tmp_path / "tests" / "test_ok.py").write_text("def test_ok():\n    assert 1 + 1 == 3\n")
    failed = run_cli("run", str(testing), "--json", "--quiet")
    assert failed.code == 1  # type: ignore[attr-defined]
    failed_report = Path(json.loads(failed.stdout)["run_dir"]) / "report.pdf"  # type: ignore[attr-defined]
    for path in (report, failed_report):
        for party in ("supervision", "business", "project"):
            sign_report(path, party=party, key=stage_keys[party], password=DEMO_PASSWORD)
    close = ("stage", "close", str(testing), "testing", "--trust", str(stage_keys["ca"]), "--report")
    refused = run_cli(*close, str(failed_report))
    assert refused.code == 1  # type: ignore[attr-defined]
    assert "the run's verdict is FAIL, not PASS" in refused.stdout  # type: ignore[attr-defined]
    assert "the testing standard is not met: suite unit (failed)" in refused.stdout  # type: ignore[attr-defined]
    closed = run_cli(*close, str(report))  # its run directory is the evidence, found through the history
    assert closed.code == 0, closed.stdout  # type: ignore[attr-defined]

    (tmp_path / "tests" / "test_ok.py").write_text("def test_ok():\n    assert 1 + 1 == 2\n")
    training = _profile(write_profile, "training", "drill", "training.yaml")
    ran = run_cli("run", str(training), "--json", "--quiet")
    assert ran.code == 0, ran.stdout + ran.stderr  # type: ignore[attr-defined]
    next_report = Path(json.loads(ran.stdout)["run_dir"]) / "report.pdf"  # type: ignore[attr-defined]
    linked = read_statement(next_report.read_bytes())
    assert linked is not None and linked.stage.previous is not None
    assert linked.stage.previous.pdf_sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
    assert linked.stage.previous.run_id == report.parent.name
    assert {s.party for s in linked.stage.previous.signers} == {"project", "business", "supervision"}
    run_json = json.loads((next_report.parent / "run.json").read_text())
    assert run_json["stage"]["previous"]["pdf_sha256"] == linked.stage.previous.pdf_sha256
    for party in ("supervision", "business", "project"):
        sign_report(next_report, party=party, key=stage_keys[party], password=DEMO_PASSWORD)
    chain = run_cli("verify", "--chain", str(report), str(next_report), "--trust", str(stage_keys["ca"]))
    assert chain.code == 0, chain.stdout  # type: ignore[attr-defined]
    assert "OK: chain testing -> training holds" in chain.stdout  # type: ignore[attr-defined]
