"""Operational endpoints, the API description and authentication."""

import pytest


def test_health_reports_ok(anonymous) -> None:
    response = anonymous.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_version_names_the_service(anonymous, target) -> None:
    body = anonymous.get("/version").json()
    assert body["name"] == "permit-service"
    assert body["version"] == target.version


def test_openapi_document_lists_the_application_endpoints(anonymous) -> None:
    document = anonymous.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/applications" in document["paths"]
    assert "/api/applications/{application_id}/transitions" in document["paths"]


def test_permit_catalogue_has_processing_days(anonymous) -> None:
    catalogue = {item["code"]: item for item in anonymous.get("/api/permit-types").json()}
    assert catalogue["construction"]["processing_days"] == 15
    assert catalogue["business_license"]["title"] == "营业执照"


def test_login_returns_a_bearer_token(anonymous) -> None:
    response = anonymous.post("/api/auth/token", json={"username": "zhangsan", "password": "demo-applicant-pw"})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == "applicant"
    assert len(body["access_token"]) >= 32


def test_wrong_password_is_refused(anonymous) -> None:
    response = anonymous.post("/api/auth/token", json={"username": "zhangsan", "password": "guess"})
    assert response.status_code == 401


def test_unknown_user_is_refused_like_a_wrong_password(anonymous) -> None:
    response = anonymous.post("/api/auth/token", json={"username": "nobody", "password": "guess"})
    assert response.status_code == 401
    assert response.json()["detail"] == "wrong username or password"


@pytest.mark.security
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/applications"), ("POST", "/api/applications"), ("GET", "/api/applications/1"), ("GET", "/api/me")],
)
def test_api_requires_authentication(anonymous, method: str, path: str) -> None:
    response = anonymous.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.security
def test_forged_token_is_refused(anonymous) -> None:
    response = anonymous.get("/api/me", headers={"Authorization": "Bearer forged-token-0000000000000000"})
    assert response.status_code == 401


def test_profile_user_is_an_officer(api) -> None:
    assert api.get("/api/me").json()["role"] == "officer"
