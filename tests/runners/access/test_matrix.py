"""The access matrix: what it accepts, the cells it expands to, how one answer is read."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from harness.runners.access.matrix import ANONYMOUS, AccessOptions, Outcome, cells, classify, fill

LOGIN = {"type": "login", "url": "/api/auth/token", "username": "u", "password": "p"}


def options(**changes: Any) -> AccessOptions:
    data: dict[str, Any] = {
        "roles": {"alice": {"auth": LOGIN}, "bob": {"auth": LOGIN}, "admin": {"auth": {"type": "bearer", "token": "t"}}},
        "setup": [{"role": "alice", "path": "/things", "json": {"n": 1}, "save": {"a": "id"}},
                  {"role": "bob", "path": "/things", "save": {"b": "id"}}],
        "endpoints": [
            {"path": "/things/{id}", "owners": {"alice": {"id": "{a}"}, "bob": {"id": "{b}"}},
             "expect": {"anonymous": "denied", "alice": "own-only", "bob": "own-only", "admin": "allowed"}},
            {"method": "DELETE", "path": "/admin/cache", "expect": {"anonymous": "denied", "alice": "denied"}},
        ],
    }  # fmt: skip
    data.update(changes)
    return AccessOptions.model_validate(data)


def problems(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        options(**changes)
    return str(caught.value)


def test_own_only_expands_to_the_own_object_allowed_and_every_other_owners_denied() -> None:
    planned, unlisted = cells(options())
    table = {(c.role, c.endpoint.label, c.owner): c.allowed for c in planned}
    assert table == {
        (ANONYMOUS, "GET /things/{id}", "alice"): False,  # the example: the first owner's object
        ("alice", "GET /things/{id}", "alice"): True,
        ("alice", "GET /things/{id}", "bob"): False,
        ("bob", "GET /things/{id}", "alice"): False,
        ("bob", "GET /things/{id}", "bob"): True,
        ("admin", "GET /things/{id}", "alice"): True,
        (ANONYMOUS, "DELETE /admin/cache", ""): False,
        ("alice", "DELETE /admin/cache", ""): False,
    }
    # the roles an endpoint says nothing about are skipped, by name
    assert unlisted == [("bob: DELETE /admin/cache", "unlisted"), ("admin: DELETE /admin/cache", "unlisted")]


def test_each_violation_gets_its_kind() -> None:
    planned, _ = cells(options())
    kinds = {(c.role, c.endpoint.method, c.owner): c.violation for c in planned if not c.allowed}
    assert kinds == {
        (ANONYMOUS, "GET", "alice"): "unauthenticated",
        ("alice", "GET", "bob"): "horizontal",
        ("bob", "GET", "alice"): "horizontal",
        (ANONYMOUS, "DELETE", ""): "unauthenticated",
        ("alice", "DELETE", ""): "vertical",
    }


def test_example_params_take_precedence_over_owners_for_allowed_and_denied_cells() -> None:
    endpoint = {"path": "/things/{id}", "params": {"id": "42"}, "owners": {"alice": {"id": "1"}, "bob": {"id": "2"}},
                "expect": {"admin": "denied", "alice": "own-only"}}  # fmt: skip
    planned, _ = cells(options(setup=[], endpoints=[endpoint]))
    (admin,) = [c for c in planned if c.role == "admin"]
    assert dict(admin.values) == {"id": "42"} and admin.owner == "" and admin.violation == "vertical"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"roles": {"anonymous": {"auth": LOGIN}}}, "role 'anonymous' is implicit"),
        ({"endpoints": [{"path": "/x", "expect": {"carol": "allowed"}}]}, "unknown role 'carol'"),
        ({"endpoints": [{"path": "/x/{id}", "expect": {"alice": "allowed"}}]}, "give params or owners for {id}"),
        ({"endpoints": [{"path": "/x/{id}", "params": {"n": "1"}, "expect": {"alice": "allowed"}}]}, "no value for {id}"),
        ({"endpoints": [{"path": "/x/{id}", "params": {"id": "{zzz}"}, "expect": {"alice": "allowed"}}]},
         "variable {zzz} is saved by no setup step"),
        ({"endpoints": [{"path": "/x", "expect": {"alice": "own-only"}}]}, "owners gives no object of alice"),
        ({"endpoints": [{"path": "/x/{id}", "owners": {"alice": {"id": "1"}}, "expect": {"alice": "own-only"}}]},
         "own-only needs the objects of two owners"),
        ({"setup": [{"role": "mallory", "path": "/x"}]}, "setup[0]: unknown role 'mallory'"),
        ({"endpoints": [{"path": "/x", "expect": {"alice": "maybe"}}]}, "'allowed', 'denied' or 'own-only'"),
        ({"endpoints": []}, "the matrix needs roles and endpoints"),
        ({"roles": {}}, "the matrix needs roles and endpoints"),
        ({"matrix_file": "/m.yaml"}, "inline (roles, setup, endpoints) or in matrix_file, not both"),
    ],
)  # fmt: skip
def test_a_matrix_that_cannot_be_tested_as_written_is_refused_with_what_to_fix(
    change: dict[str, Any], expected: str
) -> None:
    assert expected in problems(**change)


def test_secrets_in_roles_never_show_in_the_options() -> None:
    text = repr(options()) + options().model_dump_json()
    assert "'p'" not in text and '"p"' not in text and '"t"' not in text


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, Outcome.ALLOWED), (204, Outcome.ALLOWED), (401, Outcome.DENIED), (403, Outcome.DENIED),
     (404, Outcome.DENIED), (302, Outcome.INCONCLUSIVE), (405, Outcome.INCONCLUSIVE), (422, Outcome.INCONCLUSIVE),
     (500, Outcome.INCONCLUSIVE)],
)  # fmt: skip
def test_only_2xx_means_allowed_and_only_the_denied_statuses_mean_denied(status: int, outcome: Outcome) -> None:
    assert classify(status, (401, 403, 404)) is outcome


def test_a_project_whose_denials_are_400_says_so() -> None:
    assert classify(400, (400, 401, 403)) is Outcome.DENIED and classify(404, (400, 401, 403)) is Outcome.INCONCLUSIVE


def test_fill_replaces_known_variables_and_refuses_unknown_ones() -> None:
    assert fill("/a/{x}/b/{y}", {"x": "1", "y": "二"}) == "/a/1/b/二"
    with pytest.raises(KeyError):
        fill("/a/{z}", {"x": "1"})
