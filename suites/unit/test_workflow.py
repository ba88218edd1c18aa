"""The application status workflow: who may move an application from where to where."""

import pytest

from harness.demo.domain import (
    FINAL_STATES,
    TRANSITIONS,
    Role,
    RuleViolation,
    Status,
    allowed_actions,
    apply_transition,
)

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize(
    ("start", "action", "role", "end"),
    [
        (Status.DRAFT, "submit", Role.APPLICANT, Status.SUBMITTED),
        (Status.DRAFT, "withdraw", Role.APPLICANT, Status.WITHDRAWN),
        (Status.SUBMITTED, "withdraw", Role.APPLICANT, Status.WITHDRAWN),
        (Status.SUBMITTED, "accept", Role.OFFICER, Status.UNDER_REVIEW),
        (Status.UNDER_REVIEW, "approve", Role.OFFICER, Status.APPROVED),
    ],
)
def test_allowed_moves(start: Status, action: str, role: Role, end: Status) -> None:
    assert apply_transition(start, action, role) is end


def test_rejection_needs_a_reason() -> None:
    with pytest.raises(RuleViolation) as caught:
        apply_transition(Status.UNDER_REVIEW, "reject", Role.OFFICER, note="  ")
    assert caught.value.code == "note_required"


def test_rejection_with_a_reason() -> None:
    assert apply_transition(Status.SUBMITTED, "reject", Role.OFFICER, note="材料不全") is Status.REJECTED


def test_applicants_cannot_approve() -> None:
    with pytest.raises(RuleViolation) as caught:
        apply_transition(Status.UNDER_REVIEW, "approve", Role.APPLICANT)
    assert caught.value.code == "forbidden"


def test_officers_cannot_submit_for_applicants() -> None:
    with pytest.raises(RuleViolation) as caught:
        apply_transition(Status.DRAFT, "submit", Role.OFFICER)
    assert caught.value.code == "forbidden"


def test_cannot_approve_without_review() -> None:
    with pytest.raises(RuleViolation) as caught:
        apply_transition(Status.SUBMITTED, "approve", Role.OFFICER)
    assert caught.value.code == "invalid_transition"


def test_unknown_action() -> None:
    with pytest.raises(RuleViolation) as caught:
        apply_transition(Status.DRAFT, "publish", Role.APPLICANT)
    assert caught.value.code == "unknown_action"


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
def test_final_states_allow_nothing(final: Status) -> None:
    for role in Role:
        assert allowed_actions(final, role) == []
    for action, transition in TRANSITIONS.items():
        with pytest.raises(RuleViolation):
            apply_transition(final, action, transition.role, note="x")


def test_allowed_actions_of_a_draft() -> None:
    assert allowed_actions(Status.DRAFT, Role.APPLICANT) == ["submit", "withdraw"]
    assert allowed_actions(Status.DRAFT, Role.OFFICER) == []


def test_every_state_but_final_ones_can_be_left() -> None:
    for status in set(Status) - FINAL_STATES:
        assert any(allowed_actions(status, role) for role in Role), status
