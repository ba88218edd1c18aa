"""The report/signing contract: its copies of the model's and the run directory's names stay equal, and
its rule check says what a certificate lacks."""

from __future__ import annotations

from harness.reports.pdf.embedding import DESCRIPTION_PREFIX
from harness.results import model, rundir, signoff


def test_the_contract_mirrors_the_model_and_the_run_directory() -> None:
    assert signoff.PARTIES == model.PARTIES
    assert tuple(signoff.SUBJECT_OIDS) == model.SUBJECT_ATTRIBUTES
    assert signoff.MANIFEST_FILE == rundir.MANIFEST_FILE
    assert signoff.MANIFEST_EXCLUDES == rundir.MANIFEST_EXCLUDES
    assert signoff.DESCRIPTION_PREFIX == DESCRIPTION_PREFIX


def test_field_names() -> None:
    assert signoff.field_name("business") == "sig_business"
    assert [signoff.party_of(n) for n in ("sig_project", "sig_minister", "project", "Signature1")] == [
        "project", None, None, None,
    ]  # fmt: skip


def test_a_rule_names_what_a_certificate_lacks() -> None:
    pin = "ab" * 32
    subject = {"CN": ["陈明"], "O": ["某市大数据中心"], "OU": ["项目组", "DEMO"]}
    assert signoff.rule_mismatches((), {"CN": "陈明", "OU": "DEMO"}, "00" * 32, subject) == []
    assert signoff.rule_mismatches((pin,), {}, pin.upper(), subject) == []
    assert signoff.rule_mismatches((pin,), {"CN": "刘芳", "O": "某市大数据中心"}, "cd" * 32, subject) == [
        "SHA-256 AB:AB:AB:AB…AB:AB:AB:AB",
        "CN=刘芳",
    ]
    assert signoff.rule_mismatches((), {}, pin, subject) == ["the report declares no certificate identity for this party"]


def test_rules_and_fingerprints_in_words() -> None:
    assert signoff.describe_rule(("ab" * 32,), {"CN": "陈明"}) == "subject CN=陈明; SHA-256 AB:AB:AB:AB…AB:AB:AB:AB"
    assert signoff.describe_rule((), {}) == "none declared"
    assert signoff.colon_hex("0a1b2c") == "0A:1B:2C"
