"""Sessions for the roles of the permit service, on top of the harness's `target` and `api` fixtures.

`api` is authenticated as the profile's user (an officer in profiles/demo.yaml). Applicants log in with
the demo's public credentials, which a real project would take from the environment instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import requests

from harness.demo.domain import resident_id_check_digit

APPLICANT_PASSWORD = os.environ.get("DEMO_APPLICANT_PASSWORD", "demo-applicant-pw")


def login(target, username: str, password: str) -> requests.Session:  # type: ignore[no-untyped-def]
    session = target.session(auth=False)
    response = session.post("/api/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, f"login as {username} failed: {response.status_code} {response.text}"
    session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return session


@pytest.fixture
def anonymous(target) -> Iterator[requests.Session]:  # type: ignore[no-untyped-def]
    with target.session(auth=False) as session:
        yield session


@pytest.fixture
def applicant(target) -> Iterator[requests.Session]:  # type: ignore[no-untyped-def]
    with login(target, "zhangsan", APPLICANT_PASSWORD) as session:
        yield session


@pytest.fixture
def other_applicant(target) -> Iterator[requests.Session]:  # type: ignore[no-untyped-def]
    with login(target, "lisi", APPLICANT_PASSWORD) as session:
        yield session


def identity_number(serial: int = 651) -> str:
    first17 = f"11010119900307{serial:03d}"
    return first17 + resident_id_check_digit(first17)


def application_payload(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "permit_type": "construction",
        "applicant_name": "张三",
        "id_number": identity_number(),
        "phone": "13800138000",
        "address": "某市某区人民路 100 号",
        "description": "新建办公楼一栋",
        "area_sqm": 1200,
    }
    payload.update(changes)
    return payload


@pytest.fixture
def new_application(applicant: requests.Session) -> Callable[..., dict[str, object]]:
    """Create a draft application as the applicant; keyword arguments change the payload."""

    def create(**changes: object) -> dict[str, object]:
        response = applicant.post("/api/applications", json=application_payload(**changes))
        assert response.status_code == 201, response.text
        return response.json()

    return create
