"""Alert normalisation and fingerprints, on the real ZAP 2.9.0 transcript."""

from __future__ import annotations

from harness.results.findings import (
    MAX_INSTANCES,
    FindingSet,
    RuleInfo,
    alert_metrics,
    fingerprint,
    is_false_positive,
    templated_path,
    zap_api_alert,
)
from harness.results.model import Instance, Risk, RuleAction
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


RULE = RuleInfo(rule_id="40012", name="XSS", risk=Risk.HIGH, confidence="Medium")
FALSE = RuleInfo(rule_id="10202", name="CSRF", risk=Risk.MEDIUM, confidence="False Positive")


def test_a_rule_marked_false_positive_is_kept_apart_and_never_counted() -> None:
    found = FindingSet(source="ZAP 2.16.0")
    found.add(FALSE, Instance(url="http://127.0.0.1/form", method="POST"))
    found.add(RULE, Instance(url="http://127.0.0.1/search", method="GET", param="q"))
    assert is_false_positive(FALSE) and not is_false_positive(RULE)
    assert [f.rule_id for f in found.findings()] == ["40012"] and len(found) == 1
    (false,) = found.false_positives()
    assert false.rule_id == "10202" and false.action.value == "IGNORE" and false.occurrences == 1
    assert alert_metrics(found.findings())["alerts.medium"] == 0
    assert found.observations == 2


def test_identical_instances_are_kept_once_and_counted_every_time() -> None:
    found = FindingSet(source="ZAP")
    same = Instance(url="http://127.0.0.1/search?q=1", method="GET", param="q", attack="<script>")
    for _ in range(3):
        found.add(RULE, same)
    for number in range(MAX_INSTANCES + 10):  # distinct instances beyond the cap: same fingerprint ({id})
        found.add(RULE, Instance(url=f"http://127.0.0.1/search/{number}", method="GET", param="q"))
    findings = {f.fingerprint: f for f in found.findings()}
    by_path = {f.instances[0].url.rsplit("/", 1)[0]: f for f in findings.values()}
    search = by_path["http://127.0.0.1"]
    assert len(search.instances) == 1 and search.occurrences == 3
    capped = by_path["http://127.0.0.1/search"]
    assert len(capped.instances) == MAX_INSTANCES and capped.occurrences == MAX_INSTANCES + 10
    assert alert_metrics(findings.values())["alerts.instances"] == 3 + MAX_INSTANCES + 10


def test_alerts_without_instances_get_none_made_up() -> None:
    found = FindingSet(source="ZAP")
    found.add_alert(RULE, [], site="http://127.0.0.1:8080", count=5)
    found.add_alert(
        RULE.__class__(**{**RULE.__dict__, "rule_id": "10035"}), [], site="http://127.0.0.1:8080", count=None
    )
    found.add_alert(RULE.__class__(**{**RULE.__dict__, "rule_id": "10020"}), [], site="http://127.0.0.1:8080", count=0)
    findings = {f.rule_id: f for f in found.findings()}
    assert findings["40012"].instances == () and findings["40012"].occurrences == 5
    assert findings["10035"].occurrences == 0  # unknown
    assert "10020" not in findings and [f.rule_id for f in found.false_positives()] == ["10020"]
    assert alert_metrics(findings.values())["alerts.instances"] == 5 + 1
