"""Alert normalisation and fingerprints, on the real ZAP 2.9.0 transcript."""

from __future__ import annotations

from harness.results.findings import FindingSet, alert_metrics, fingerprint, templated_path, zap_api_alert
from harness.results.model import Risk, RuleAction
from tests.zapdouble import load_transcript


def test_real_zap_alerts_normalise_to_findings() -> None:
    alerts = load_transcript()["alerts"]
    assert all(isinstance(v, str) for a in alerts for v in a.values())  # ZAP's API: every value a string
    found = FindingSet(source="ZAP 2.9.0")
    for alert in alerts:
        found.add(*zap_api_alert(alert))
    findings = found.findings()
    assert found.observations == 339
    cors = [f for f in findings if f.rule_id == "10098"]
    assert cors and all(f.risk is Risk.MEDIUM and f.cwe == 264 and f.wasc == 14 for f in cors)
    assert cors[0].instances[0].evidence == "Access-Control-Allow-Origin: *"
    assert {f.risk for f in findings} == {Risk.MEDIUM, Risk.LOW, Risk.INFO}
    metrics = alert_metrics(findings)
    assert metrics["alerts.high"] == 0 and metrics["alerts.total"] == len(findings)
    assert metrics["alerts.fail"] == 0 and metrics["alerts.warn"] == len(findings)


def test_alerts_of_current_zap_with_extra_fields_normalise_too() -> None:
    alert = dict(load_transcript()["alerts"][0])
    alert.update({"alertRef": "10098", "inputVector": "", "sourceMessageId": "1", "tags": {"OWASP_2021_A01": "x"}})
    rule, instance = zap_api_alert(alert)
    assert rule.rule_id == "10098" and instance.method == "GET"


def test_fingerprint_is_stable_across_hosts_and_ids_but_not_across_params() -> None:
    assert templated_path("http://a:1/api/applications/17/history") == "/api/applications/{id}/history"
    assert templated_path("http://a/u/3f2b8c1e-0d4a-4c5b-9e6f-7a8b9c0d1e2f") == "/u/{id}"
    same = fingerprint("40012", "GET", "http://127.0.0.1:1/api/applications/17?q=1", "q")
    assert same == fingerprint("40012", "get", "http://127.0.0.1:2/api/applications/42", "q")
    assert same != fingerprint("40012", "GET", "http://127.0.0.1:1/api/applications/17", "name")
    assert same != fingerprint("40014", "GET", "http://127.0.0.1:1/api/applications/17", "q")


def test_ignored_findings_do_not_count() -> None:
    found = FindingSet(source="x")
    found.add(*zap_api_alert(load_transcript()["alerts"][0]))
    finding = found.findings()[0].model_copy(update={"action": RuleAction.IGNORE})
    assert alert_metrics([finding])["alerts.medium"] == 0 and alert_metrics([finding])["alerts.ignored"] == 1
