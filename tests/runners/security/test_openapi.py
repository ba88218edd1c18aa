"""OpenAPI documents pointed at the target, their operations, and which of them a scan requested."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import RunnerSetupError
from harness.runners.security.openapi import operation_coverage, operations, read_spec, retarget

OAS3: dict[str, Any] = {
    "openapi": "3.0.3",
    "servers": [{"url": "https://{env}.permits.example.gov.cn/v1", "variables": {"env": {"default": "api"}}}],
    "paths": {
        "/applications": {"get": {}, "post": {}},
        "/applications/{id}": {"get": {}, "servers": [{"url": "https://files.example.gov.cn/v1"}]},
        "/health": {"get": {}, "parameters": []},
    },
}


def test_servers_naming_production_are_replaced_by_the_target_keeping_their_path() -> None:
    copy, replaced = retarget(OAS3, "http://127.0.0.1:8000/")
    assert replaced == ["https://{env}.permits.example.gov.cn/v1", "https://files.example.gov.cn/v1"]
    assert copy["servers"] == [{"url": "http://127.0.0.1:8000/v1"}]
    assert copy["paths"]["/applications/{id}"]["servers"] == [{"url": "http://127.0.0.1:8000/v1"}]
    assert OAS3["servers"][0]["url"].startswith("https://")  # the original is left alone
    names = [op.name for op in operations(copy)]
    assert names == ["GET /v1/applications", "POST /v1/applications", "GET /v1/applications/{id}", "GET /v1/health"]


def test_a_base_url_with_a_path_replaces_the_whole_server() -> None:
    copy, _ = retarget(OAS3, "http://127.0.0.1:8000/permits/api")
    assert copy["servers"] == [{"url": "http://127.0.0.1:8000/permits/api"}]
    assert operations(copy)[0].path == "/permits/api/applications"


def test_swagger_2_host_and_schemes_are_replaced() -> None:
    swagger = {"swagger": "2.0", "host": "api.example.org", "basePath": "/v2", "schemes": ["https"],
               "paths": {"/pets/{petId}": {"delete": {}}}}  # fmt: skip
    copy, replaced = retarget(swagger, "http://127.0.0.1:9000")
    assert replaced == ["https://api.example.org/v2"] and copy["host"] == "127.0.0.1:9000"
    assert copy["schemes"] == ["http"] and [op.name for op in operations(copy)] == ["DELETE /v2/pets/{petId}"]


def test_operations_requested_are_matched_by_method_and_path_template() -> None:
    copy, _ = retarget(OAS3, "http://127.0.0.1:8000")
    requested = [
        ("GET", "http://127.0.0.1:8000/v1/applications/17?x=1"),
        ("GET", "http://127.0.0.1:8000/v1/applications"),
    ]
    count, skipped = operation_coverage(operations(copy), requested, excluded={"GET /v1/health"})
    assert count == 2
    assert [(s.name, str(s.reason)) for s in skipped] == [("POST /v1/applications", "the scan engine did not request it")]


@pytest.mark.parametrize("text", ["{not json", "just: [a, list", "[1, 2]", '{"paths": {}}'])
def test_what_is_not_an_openapi_document_is_refused_with_where(text: str) -> None:
    with pytest.raises(RunnerSetupError, match=r"api\.json"):
        read_spec(text, "api.json")
