"""The demo's old release (``version: old``) differs from today's in exactly two rules, and today's is the
default everywhere (the profile model, the server's flag, the app)."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest

from harness.demo import app, domain
from harness.demo.domain import PermitType
from harness.profile.model import DemoTarget


@pytest.mark.parametrize(
    ("permit_type", "area", "days", "new", "old"),
    [
        (PermitType.CONSTRUCTION, Decimal(1500), None, "3250.00", "3500.00"),  # the reduced rate beyond 1000 m²
        (PermitType.CONSTRUCTION, Decimal(800), None, "2100.00", "2100.00"),  # below it the rules agree
        (PermitType.ROAD_OCCUPATION, None, 3, "160.00", "160.00"),
        (PermitType.OUTDOOR_ADVERTISING, Decimal("2.5"), None, "275.00", "275.00"),
        (PermitType.BUSINESS_LICENSE, None, None, "0.00", "0.00"),
    ],
)
def test_only_large_construction_sites_pay_differently(
    permit_type: PermitType, area: Decimal | None, days: int | None, new: str, old: str
) -> None:
    assert str(domain.permit_fee(permit_type, area, days)) == new
    assert str(domain.legacy_permit_fee(permit_type, area, days)) == old


def test_the_old_release_writes_dates_with_slashes_and_today_is_the_default() -> None:
    assert domain.legacy_date("2026-12-21") == "2026/12/21" and domain.legacy_date(None) is None
    assert DemoTarget().version == "new"
    assert inspect.signature(app.create_app).parameters["release"].default == "new"
    with pytest.raises(domain.RuleViolation):
        domain.legacy_permit_fee(PermitType.CONSTRUCTION, None)
