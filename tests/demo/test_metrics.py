"""The demo's /metrics (target.demo.metrics): request counts by method, route template and status, a latency
histogram by route — read back with prometheus-client's own parser — and nothing of it when it is off."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from harness.demo.app import create_app


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_requests_are_counted_by_route_template_and_timed(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "demo.sqlite", frozenset(), metrics=True)) as client:
        before = samples(client)
        count = (
            "http_request_duration_seconds_count",
            (("method", "GET"), ("route", "/api/applications/{application_id}")),
        )
        assert before[count] == 0  # every route's series exists before its first request
        for application in (1, 2, 3):
            assert client.get(f"/api/applications/{application}").status_code == 401
        client.get("/no/such/path/12345")
        client.get("/health")
        after = samples(client)
    route = "/api/applications/{application_id}"
    assert after[("http_requests_total", (("method", "GET"), ("route", route), ("status", "401")))] == 3
    assert after[("http_requests_total", (("method", "GET"), ("route", "<unmatched>"), ("status", "404")))] == 1
    assert after[count] == 3
    assert not any("/api/applications/1" in dict(labels).get("route", "") for _, labels in after if labels)
    assert not any(dict(labels).get("route") == "/metrics" for _, labels in after)  # scrapes are not counted
    bucket = ("http_request_duration_seconds_bucket", (("le", "+Inf"), ("method", "GET"), ("route", "/health")))
    assert after[bucket] == 1


def test_without_the_option_the_demo_is_unchanged(tmp_path: Path) -> None:
    plain = create_app(tmp_path / "a.sqlite", frozenset())
    measured = create_app(tmp_path / "b.sqlite", frozenset(), metrics=True)
    with TestClient(plain) as client:
        assert client.get("/metrics").status_code == 404
        schema = client.get("/openapi.json").json()
    with TestClient(measured) as client:
        assert client.get("/openapi.json").json() == schema  # /metrics is not an API operation: scans see the same API
        assert client.get("/metrics").headers["x-content-type-options"] == "nosniff"
