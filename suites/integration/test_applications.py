"""Creating, reading, changing and finding applications."""

import pytest
from conftest import application_payload, identity_number


def test_create_returns_the_draft_with_fee_and_location(applicant) -> None:
    response = applicant.post("/api/applications", json=application_payload())
    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"] == f"/api/applications/{body['id']}"
    assert body["status"] == "draft"
    assert body["fee"] == "2800.00"  # 500 + 1000 m² × 2.00 + 200 m² × 1.50
    assert body["allowed_actions"] == ["submit", "withdraw"]


def test_identity_number_is_masked_in_responses(new_application) -> None:
    created = new_application()
    assert created["id_number"] == identity_number()[:6] + "********" + identity_number()[-4:]


def test_read_back_what_was_created(applicant, new_application) -> None:
    created = new_application(applicant_name="王五", permit_type="food_service", area_sqm=None)
    fetched = applicant.get(f"/api/applications/{created['id']}").json()
    assert fetched["applicant_name"] == "王五"
    assert fetched["permit_type"] == "food_service"
    assert fetched["fee"] == "0.00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "110101199003076512"),
        ("phone", "12345"),
        ("applicant_name", "张"),
        ("address", "短"),
        ("permit_type", "fishing"),
        ("area_sqm", -5),
    ],
)
def test_invalid_fields_are_rejected_with_422(applicant, field: str, value: object) -> None:
    response = applicant.post("/api/applications", json=application_payload(**{field: value}))
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])


def test_unknown_fields_are_rejected(applicant) -> None:
    response = applicant.post("/api/applications", json=application_payload(approved=True))
    assert response.status_code == 422


def test_construction_without_area_is_a_rule_violation(applicant) -> None:
    response = applicant.post("/api/applications", json=application_payload(area_sqm=None))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_area_sqm"


def test_officers_cannot_create_applications(api) -> None:
    assert api.post("/api/applications", json=application_payload()).status_code == 403


def test_update_a_draft_recomputes_the_fee(applicant, new_application) -> None:
    created = new_application(area_sqm=100)
    response = applicant.patch(f"/api/applications/{created['id']}", json={"area_sqm": 200, "phone": "13912345678"})
    assert response.status_code == 200
    body = response.json()
    assert body["fee"] == "900.00"
    assert body["phone"] == "13912345678"


def test_empty_update_is_refused(applicant, new_application) -> None:
    created = new_application()
    assert applicant.patch(f"/api/applications/{created['id']}", json={}).status_code == 422


def test_submitted_applications_cannot_be_changed(applicant, new_application) -> None:
    created = new_application()
    applicant.post(f"/api/applications/{created['id']}/transitions", json={"action": "submit"})
    response = applicant.patch(f"/api/applications/{created['id']}", json={"address": "某市某区新华路 1 号"})
    assert response.status_code == 409


@pytest.mark.security
def test_applicants_cannot_see_each_others_applications(other_applicant, new_application) -> None:
    created = new_application()
    assert other_applicant.get(f"/api/applications/{created['id']}").status_code == 404
    listed = other_applicant.get("/api/applications", params={"page_size": 100}).json()
    assert created["id"] not in [item["id"] for item in listed["items"]]


def test_officers_do_not_see_drafts(api, new_application) -> None:
    created = new_application()
    assert api.get(f"/api/applications/{created['id']}").status_code == 404


def test_search_finds_by_address(applicant, new_application) -> None:
    created = new_application(address="某市某区梧桐巷 7 号")
    found = applicant.get("/api/applications", params={"q": "梧桐巷"}).json()
    assert [item["id"] for item in found["items"]] == [created["id"]]


def test_list_filters_by_status_and_paginates(applicant, new_application) -> None:
    for _ in range(3):
        new_application()
    page = applicant.get("/api/applications", params={"status": "draft", "page_size": 2}).json()
    assert page["page_size"] == 2
    assert len(page["items"]) == 2
    assert page["total"] >= 3
    assert all(item["status"] == "draft" for item in page["items"])


def test_page_size_is_bounded(applicant) -> None:
    assert applicant.get("/api/applications", params={"page_size": 1000}).status_code == 422


def test_missing_application_is_404(applicant) -> None:
    assert applicant.get("/api/applications/999999").status_code == 404
