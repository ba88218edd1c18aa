"""The approval workflow through the API: submit, accept, approve or reject, withdraw, and its audit trail."""

import pytest

pytestmark = pytest.mark.workflow


def move(session, application_id: int, action: str, note: str = ""):  # type: ignore[no-untyped-def]
    return session.post(f"/api/applications/{application_id}/transitions", json={"action": action, "note": note})


def test_submission_assigns_reference_and_deadline(applicant, new_application) -> None:
    created = new_application()
    response = move(applicant, created["id"], "submit")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["reference"].startswith("XK-")
    assert body["due_date"] > body["submitted_at"]


def test_full_approval_path(api, applicant, new_application) -> None:
    created = new_application()
    assert move(applicant, created["id"], "submit").status_code == 200
    assert move(api, created["id"], "accept").json()["status"] == "under_review"
    assert move(api, created["id"], "approve").json()["status"] == "approved"
    final = applicant.get(f"/api/applications/{created['id']}").json()
    assert final["status"] == "approved"
    assert final["allowed_actions"] == []


def test_rejection_needs_a_note(api, applicant, new_application) -> None:
    created = new_application()
    move(applicant, created["id"], "submit")
    refused = move(api, created["id"], "reject")
    assert refused.status_code == 422
    assert refused.json()["code"] == "note_required"
    assert move(api, created["id"], "reject", note="施工图纸缺少盖章").json()["status"] == "rejected"


def test_applicant_cannot_approve_own_application(applicant, new_application) -> None:
    created = new_application()
    move(applicant, created["id"], "submit")
    response = move(applicant, created["id"], "approve")
    assert response.status_code == 403


def test_approval_requires_review_first(api, applicant, new_application) -> None:
    created = new_application()
    move(applicant, created["id"], "submit")
    response = move(api, created["id"], "approve")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_withdrawn_applications_are_final(applicant, new_application) -> None:
    created = new_application()
    assert move(applicant, created["id"], "withdraw").json()["status"] == "withdrawn"
    assert move(applicant, created["id"], "submit").status_code == 409


def test_unknown_action_is_rejected(applicant, new_application) -> None:
    created = new_application()
    response = move(applicant, created["id"], "publish")
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_action"


def test_history_records_every_step(api, applicant, new_application) -> None:
    created = new_application()
    move(applicant, created["id"], "submit")
    move(api, created["id"], "accept")
    history = applicant.get(f"/api/applications/{created['id']}/history").json()
    assert [(h["action"], h["to_status"]) for h in history] == [
        ("create", "draft"),
        ("submit", "submitted"),
        ("accept", "under_review"),
    ]
    assert history[2]["actor"] == "officer"


def test_officer_sees_submitted_applications(api, applicant, new_application) -> None:
    created = new_application(address="某市某区银杏路 88 号")
    move(applicant, created["id"], "submit")
    listed = api.get("/api/applications", params={"status": "submitted", "q": "银杏路"}).json()
    assert created["id"] in [item["id"] for item in listed["items"]]
