"""Domain rules of the demo permit-application service (行政许可申请): pure functions, no I/O.

The service's own unit suite (``suites/unit/``) tests these rules directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class PermitType(StrEnum):
    BUSINESS_LICENSE = "business_license"  # 营业执照
    CONSTRUCTION = "construction"  # 建筑工程施工许可
    FOOD_SERVICE = "food_service"  # 食品经营许可
    OUTDOOR_ADVERTISING = "outdoor_advertising"  # 户外广告设置许可
    ROAD_OCCUPATION = "road_occupation"  # 临时占用道路许可


PERMIT_TITLES: dict[PermitType, str] = {
    PermitType.BUSINESS_LICENSE: "营业执照",
    PermitType.CONSTRUCTION: "建筑工程施工许可",
    PermitType.FOOD_SERVICE: "食品经营许可",
    PermitType.OUTDOOR_ADVERTISING: "户外广告设置许可",
    PermitType.ROAD_OCCUPATION: "临时占用道路许可",
}

# Statutory processing limits in working days (承诺办结时限).
PROCESSING_DAYS: dict[PermitType, int] = {
    PermitType.BUSINESS_LICENSE: 3,
    PermitType.CONSTRUCTION: 15,
    PermitType.FOOD_SERVICE: 10,
    PermitType.OUTDOOR_ADVERTISING: 7,
    PermitType.ROAD_OCCUPATION: 5,
}


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    APPLICANT = "applicant"
    OFFICER = "officer"
    ADMIN = "admin"  # manages accounts; sees submitted applications like an officer, takes no workflow action


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[Status]
    target: Status
    role: Role
    needs_note: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", frozenset({Status.DRAFT}), Status.SUBMITTED, Role.APPLICANT),
        Transition("withdraw", frozenset({Status.DRAFT, Status.SUBMITTED}), Status.WITHDRAWN, Role.APPLICANT),
        Transition("accept", frozenset({Status.SUBMITTED}), Status.UNDER_REVIEW, Role.OFFICER),
        Transition("approve", frozenset({Status.UNDER_REVIEW}), Status.APPROVED, Role.OFFICER),
        Transition("reject", frozenset({Status.SUBMITTED, Status.UNDER_REVIEW}), Status.REJECTED, Role.OFFICER, True),
    )
}

FINAL_STATES = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})


class RuleViolation(ValueError):
    """A request that breaks a domain rule; ``code`` is stable for API clients."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def apply_transition(current: Status, action: str, role: Role, note: str = "") -> Status:
    """The status after ``action``; raises :class:`RuleViolation` for a move the workflow forbids."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise RuleViolation("unknown_action", f"unknown action {action!r}; one of {', '.join(TRANSITIONS)}")
    if role is not transition.role:
        raise RuleViolation("forbidden", f"only an {transition.role.value} may {action} an application")
    if current not in transition.sources:
        raise RuleViolation("invalid_transition", f"cannot {action} an application that is {current.value}")
    if transition.needs_note and not note.strip():
        raise RuleViolation("note_required", f"{action} needs a note explaining the reason")
    return transition.target


def allowed_actions(current: Status, role: Role) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if current in t.sources and t.role is role]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of a resident identity number."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_resident_id(number: str, today: date | None = None) -> bool:
    """18-character resident identity number: format, plausible birth date, check character."""
    number = number.strip().upper()
    if not _ID_PATTERN.match(number):
        return False
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if birth.year < 1900 or birth > (today or date.today()):
        return False
    return resident_id_check_digit(number[:17]) == number[17]


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def is_valid_mobile(number: str) -> bool:
    """Mainland China mobile number, optionally with +86 / 86 prefix and separators."""
    digits = re.sub(r"[\s-]", "", number)
    digits = re.sub(r"^(\+?86)", "", digits)
    return bool(_MOBILE.match(digits))


def mask_resident_id(number: str) -> str:
    """Show only the region code and the last four characters (personal-information protection)."""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * 8 + number[-4:]


_BASE_FEES: dict[PermitType, Decimal] = {
    PermitType.BUSINESS_LICENSE: Decimal("0"),
    PermitType.CONSTRUCTION: Decimal("500"),
    PermitType.FOOD_SERVICE: Decimal("0"),
    PermitType.OUTDOOR_ADVERTISING: Decimal("200"),
    PermitType.ROAD_OCCUPATION: Decimal("100"),
}


def permit_fee(permit_type: PermitType, area_sqm: Decimal | None = None, days: int | None = None) -> Decimal:
    """Administrative fee in yuan, rounded to fen.

    Construction: 500 + 2.00/m² up to 1000 m², 1.50/m² beyond; road occupation: 100 + 20/day;
    outdoor advertising: 200 + 30/m²; business licence and food service are free.
    """
    fee = _BASE_FEES[permit_type]
    if permit_type is PermitType.CONSTRUCTION:
        area = _positive(area_sqm, "area_sqm")
        fee += min(area, Decimal(1000)) * Decimal("2.00") + max(area - 1000, Decimal(0)) * Decimal("1.50")
    elif permit_type is PermitType.ROAD_OCCUPATION:
        if days is None or days < 1 or days > 90:
            raise RuleViolation("invalid_days", "road occupation needs 1 to 90 days")
        fee += Decimal(20) * days
    elif permit_type is PermitType.OUTDOOR_ADVERTISING:
        fee += _positive(area_sqm, "area_sqm") * Decimal(30)
    return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def legacy_permit_fee(
    permit_type: PermitType, area_sqm: Decimal | None = None, days: int | None = None
) -> Decimal:
    """The fee rule of the demo's "old" release: construction pays 2.00/m² for the whole area (the reduced
    1.50/m² beyond 1000 m² came with the new release); every other rule is the same."""
    if permit_type is PermitType.CONSTRUCTION:
        area = _positive(area_sqm, "area_sqm")
        fee = _BASE_FEES[permit_type] + area * Decimal("2.00")
        return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return permit_fee(permit_type, area_sqm, days)


def legacy_date(iso: str | None) -> str | None:
    """A date as the "old" release wrote it in its answers (``2026/01/31``); the database keeps ISO dates."""
    return iso.replace("-", "/") if iso else iso


def _positive(value: Decimal | None, name: str) -> Decimal:
    if value is None or value <= 0:
        raise RuleViolation(f"invalid_{name}", f"{name} must be a positive number for this permit type")
    return value


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """``start`` plus ``days`` working days (Mon–Fri, not in ``holidays``); day 0 is ``start`` itself."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            remaining -= 1
    return current


def due_date(submitted: date, permit_type: PermitType, holidays: frozenset[date] = frozenset()) -> date:
    """The statutory decision deadline for an application submitted on ``submitted``."""
    return add_working_days(submitted, PROCESSING_DAYS[permit_type], holidays)


def reference_number(year: int, sequence: int) -> str:
    """Public reference number, e.g. ``XK-2026-000042``."""
    if sequence < 1 or sequence > 999_999:
        raise ValueError("sequence out of range")
    return f"XK-{year:04d}-{sequence:06d}"
