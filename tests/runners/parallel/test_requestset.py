"""Request sets: a YAML/JSON list of requests, and a HAR file in the shape Chrome's DevTools export
(HTTP/2 pseudo-headers, cookies, the recording's own credentials, other origins, form and JSON bodies)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from harness.runners.parallel.requestset import RequestSetError, load_request_set

HAR = Path(__file__).parent / "data" / "chrome-export.har"


def test_a_yaml_request_list(tmp_path: Path) -> None:
    path = tmp_path / "requests.yaml"
    path.write_text(
        "requests:\n"
        "  - {name: 目录, path: /api/permit-types}\n"
        "  - {method: post, path: /api/applications, json: {a: 1}, headers: {X-Trace: t1}}\n"
        "  - {method: PUT, path: /raw, body: 'a=1'}\n"
        "  - {method: POST, path: /null, json: null}\n",
        encoding="utf-8",
    )
    first, second, third, fourth = load_request_set(path).requests
    assert (first.label, first.method, first.path, first.has_json) == ("目录", "GET", "/api/permit-types", False)
    assert (second.method, second.json_body, second.has_json, second.headers) == (
        "POST",
        {"a": 1},
        True,
        {"X-Trace": "t1"},
    )
    assert second.label == "POST /api/applications"
    assert (third.body, third.has_json) == ("a=1", False)
    assert fourth.has_json and fourth.json_body is None  # an explicit JSON null is sent as such


def test_a_json_list_without_the_requests_key(tmp_path: Path) -> None:
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([{"path": "/a"}, {"path": "/b?x=1"}]), encoding="utf-8")
    assert [r.path for r in load_request_set(path).requests] == ["/a", "/b?x=1"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[{method: GET}]", r"request 1: path: Field required"),
        ("[{path: relative}]", r"request 1: path: String should match pattern"),
        ("[{path: /a, colour: red}]", r"request 1: colour: Extra inputs are not permitted"),
        ("[{path: /a, json: {}, body: x}]", r"request 1: give json or body, not both"),
        ("{a: 1}", r"give a list of requests"),
        ("[]", r"has no request to replay"),
        ("[{path: /a}", r"not valid YAML"),
    ],
)
def test_a_bad_request_file_says_which_request_and_why(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "requests.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RequestSetError, match=problem):
        load_request_set(path)


def test_a_chrome_har_replays_its_main_origin_without_the_recordings_credentials() -> None:
    found = load_request_set(HAR)
    assert found.origin == "https://permits.example.gov.cn"
    assert found.skipped == 2  # the font CDN and the analytics ping
    assert [f"{r.method} {r.path}" for r in found.requests] == [
        "GET /portal/",
        "GET /static/js/app.3f9c2a.js",
        "GET /api/permit-types",
        "POST /api/applications",
        "POST /api/applications/1/transitions",
        "GET /api/applications?q=%E5%BC%A0%E4%B8%89&page_size=10",
        "GET /api/applications/1",
        "POST /portal/feedback",
    ]
    for replay in found.requests:
        names = {name.lower() for name in replay.headers}
        assert not any(name.startswith(":") for name in names)  # HTTP/2 pseudo-headers
        assert not names & {"authorization", "cookie", "host", "accept-encoding", "content-length"}
    create = found.requests[3]
    assert create.has_json and create.json_body["applicant_name"] == "张三" and create.json_body["area_sqm"] == 1500
    assert create.headers["content-type"] == "application/json"
    assert found.requests[4].json_body == {"action": "submit"}
    feedback = found.requests[-1]
    assert not feedback.has_json and feedback.body is not None
    assert feedback.body.startswith("category=%E5%BB%BA%E8%AE%AE&content=")  # form params, encoded


def test_a_har_of_another_origin_and_a_broken_har(tmp_path: Path) -> None:
    cdn = load_request_set(HAR, origin="https://cdn.example-fonts.net/")
    assert [r.path for r in cdn.requests] == ["/fonts/NotoSansSC.woff2"] and cdn.skipped == 9
    with pytest.raises(RequestSetError, match="has no request to replay"):
        load_request_set(HAR, origin="https://nowhere.example")
    broken = tmp_path / "broken.har"
    broken.write_text(json.dumps({"log": {"entries": [{"response": {}}]}}), encoding="utf-8")
    with pytest.raises(RequestSetError, match=r"log.entries\[0\] has no request.url"):
        load_request_set(broken)
    truncated = tmp_path / "truncated.har"
    truncated.write_text(HAR.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(RequestSetError, match="not valid JSON"):
        load_request_set(truncated)


def test_an_openapi_document_gives_the_get_operations_it_can_fill(tmp_path: Path) -> None:
    """The demo's own OpenAPI document as FastAPI generates it, and a hand-written one with examples."""
    from harness.demo.app import create_app

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(create_app(tmp_path / "demo.sqlite").openapi()), encoding="utf-8")
    found = load_request_set(spec)
    paths = [r.path for r in found.requests]
    assert found.openapi and {"/health", "/version", "/api/permit-types", "/api/applications", "/api/me"} <= set(paths)
    assert all(r.method == "GET" and "{" not in r.path for r in found.requests)
    assert found.skipped >= 2  # /api/applications/{application_id} and its history: no example id
    written = tmp_path / "openapi.yaml"
    written.write_text(
        textwrap.dedent(
            """\
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /orders/{id}:
            parameters: [{name: id, in: path, required: true, schema: {type: integer, example: 42}}]
            get:
              parameters:
                - {name: lang, in: query, required: true, examples: {zh: {value: zh-CN}}}
                - {name: page, in: query, schema: {type: integer, default: 1}}
            delete: {}
          /search:
            get: {parameters: [{name: q, in: query, required: true, schema: {type: string}}]}
          /kinds/{kind}:
            get: {parameters: [{name: kind, in: path, required: true, schema: {enum: [a b, c]}}]}
        """
        ).strip(),
        encoding="utf-8",
    )
    found = load_request_set(written)
    assert [r.path for r in found.requests] == ["/orders/42?lang=zh-CN", "/kinds/a%20b"] and found.skipped == 1
