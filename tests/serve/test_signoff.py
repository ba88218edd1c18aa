"""A run's sign-off state, from its report.pdf with harness verify's checks (real reports, real signatures)."""

from __future__ import annotations

from pathlib import Path

from harness.serve.signoff import SignOffReader
from harness.signing import DEMO_PASSWORD, sign_report
from serve.conftest import copy_reports
from serve.dashboard_data import DashboardData, tampered_copy


def test_partly_signed_and_verified(dashboard_data: DashboardData) -> None:
    state = SignOffReader([dashboard_data.ca]).of(dashboard_data.reports / dashboard_data.signed_run)
    assert state.state == "partly signed" and state.signed == ("project", "supervision")
    assert state.missing == ("business",) and state.problems() == []
    assert state.summary == "signed by project, supervision (2 of 3); verified against the trust anchors"


def test_all_three_signed(dashboard_data: DashboardData, tmp_path: Path) -> None:
    root = copy_reports(dashboard_data, tmp_path)
    run_dir = root / dashboard_data.signed_run
    sign_report(run_dir / "report.pdf", party="business", key=dashboard_data.keys["business"], password=DEMO_PASSWORD)
    state = SignOffReader([dashboard_data.ca]).of(run_dir)
    assert state.state == "signed" and state.signed == ("project", "business", "supervision")


def test_without_trust_anchors_the_trust_is_not_judged(dashboard_data: DashboardData) -> None:
    state = SignOffReader([]).of(dashboard_data.reports / dashboard_data.signed_run)
    assert state.state == "partly signed" and not state.trust_checked
    assert state.summary.endswith("trust not checked (no --trust)")


def test_a_signer_from_another_ca_fails_when_anchors_are_given(dashboard_data: DashboardData, tmp_path: Path) -> None:
    from sample_runs import SIGNATORIES

    from harness.signing import make_demo_keys

    other = make_demo_keys(tmp_path / "other-ca", SIGNATORIES)
    state = SignOffReader([other["ca"]]).of(dashboard_data.reports / dashboard_data.signed_run)
    assert state.state == "failed"
    assert state.problems()[0].startswith("project: not trusted: the signer's certificate does not chain")


def test_changed_evidence_or_bytes_fail(dashboard_data: DashboardData, tmp_path: Path) -> None:
    root = copy_reports(dashboard_data, tmp_path)
    run_dir = root / dashboard_data.signed_run
    (run_dir / "raw" / "performance" / "stats.csv").write_text("Name,Requests\nGET /api/applications,1\n")
    state = SignOffReader([dashboard_data.ca]).of(run_dir)
    assert state.state == "failed"
    assert any("raw/performance/stats.csv: replaced or changed since the manifest" in p for p in state.problems())
    tampered_copy(dashboard_data.reports / dashboard_data.signed_run / "report.pdf", run_dir / "report.pdf")
    broken = SignOffReader([dashboard_data.ca]).of(run_dir)
    assert any("integrity broken" in p for p in broken.problems())


def test_unsigned_and_missing_reports(dashboard_data: DashboardData, tmp_path: Path) -> None:
    reader = SignOffReader([dashboard_data.ca])
    assert reader.of(dashboard_data.reports / dashboard_data.demo_runs[0]).state == "no report"
    root = copy_reports(dashboard_data, tmp_path)
    run_dir = root / dashboard_data.demo_runs[0]
    (run_dir / "report.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    broken = reader.of(run_dir)
    assert broken.state == "failed" and broken.summary.startswith("cannot be checked:")
