"""Stage reports for the stage tests: real run directories (tests/sample_runs.py), a stage record judged
by the real standard code, the real PDF exporter, and real three-party PAdES signatures (pyHanko) with
DEMO keys bound to the sample run's signatories."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sample_runs import SIGNATORIES, make_run, render

from harness.profile.stages import StagePlan, StageSpec, Standard
from harness.results.model import ChainLink
from harness.signing import DEMO_PASSWORD, make_demo_keys, sign_report
from harness.stages.standard import stage_record

PROJECT = "某市政务服务网行政许可申请系统"  # the sample run's project
PLAN = StagePlan(
    stages=[
        StageSpec(id="initiation", skip=True, reason="accepted on paper"),
        StageSpec(id="design", skip=True, reason="accepted on paper"),
        StageSpec(id="development", skip=True, reason="accepted on paper"),
        StageSpec(id="testing", standard=Standard(suites=["unit", "integration"], kinds=["integration"])),
        StageSpec(id="training", standard=Standard(suites=["integration"])),
        StageSpec(id="go-live", name={"zh-CN": "正式上线"}, standard=Standard(kinds=["unit"])),
        StageSpec(id="operations"),
    ]
)

MakeReport = Callable[..., Path]


@pytest.fixture(scope="session")
def stage_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """DEMO keys (and ca.pem) issued to fit the sample run's signatories."""
    return make_demo_keys(tmp_path_factory.mktemp("stage-keys") / "demo-keys", SIGNATORIES)


@pytest.fixture
def make_report(tmp_path: Path, stage_keys: dict[str, Path]) -> MakeReport:
    """``make_report(stage, link, failures=0, parties=all three, language="zh-CN")``: a signed stage report."""
    counter = iter(range(100))

    def make(
        stage: str,
        link: ChainLink | None = None,
        *,
        failures: int = 0,
        parties: tuple[str, ...] = ("supervision", "business", "project"),
        language: str = "zh-CN",
    ) -> Path:
        rundir = make_run(tmp_path / f"runs{next(counter)}", failures=failures, name=stage, language=language)
        run = rundir.read_run()
        run = run.model_copy(update={"project": run.project.model_copy(update={"stage": stage})})
        run = run.model_copy(update={"stage": stage_record(PLAN, stage, run, link)})
        rundir.write_run(run)
        rundir.write_manifest()
        report = render(rundir)
        for party in parties:
            sign_report(report, party=party, key=stage_keys[party], password=DEMO_PASSWORD)
        return report

    return make


@pytest.fixture
def copy_to(tmp_path: Path) -> Callable[[Path, str], Path]:
    def copy(path: Path, name: str) -> Path:
        (tmp_path / "chain").mkdir(exist_ok=True)
        target = tmp_path / "chain" / name
        shutil.copy(path, target)
        return target

    return copy
