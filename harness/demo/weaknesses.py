"""The demo target's deliberate weaknesses: what each one is and what a scanner should report.

Kept apart from the app so the profile model can validate names without importing the web stack.
"""

from __future__ import annotations

from dataclasses import dataclass

WEAKNESSES: dict[str, str] = {
    "missing-security-headers": "no X-Content-Type-Options, X-Frame-Options, Content-Security-Policy headers",
    "cookie-flags": "the session cookies (login and the portal's visitor session) are set without HttpOnly and SameSite",
    "server-banner": "Server and X-Powered-By headers disclose the software and its version",
    "missing-csrf-token": "the portal's feedback form (POST /portal/feedback) has no anti-CSRF token",
    "reflected-xss": "/portal/search echoes the q parameter into HTML without escaping",
    "idor-application": "GET /api/applications/{id} serves any submitted application to any applicant (no owner check)",
}


def demo_weaknesses(chosen: list[str] | str) -> tuple[str, ...]:
    """The demo's weaknesses a profile switches on: ``all``, ``none`` or a list of names."""
    if chosen == "all":
        return tuple(WEAKNESSES)
    if chosen == "none" or isinstance(chosen, str):
        return ()
    return tuple(chosen)


def unknown_weaknesses(chosen: list[str] | str) -> list[tuple[int, str]]:
    """``(position, message)`` for every name in ``chosen`` the demo does not have."""
    if isinstance(chosen, str):
        return []
    return [
        (index, f"unknown weakness {name!r}; known: {', '.join(WEAKNESSES)}")
        for index, name in enumerate(chosen)
        if name not in WEAKNESSES
    ]


@dataclass(frozen=True)
class Detection:
    """Which scanner rules report a weakness: ZAP plugin ids and the harness's ``wapiti:<category>`` ids."""

    zap: tuple[str, ...]
    wapiti: tuple[str, ...]


# Documented in docs/demo-target.md. Scanners do not find the IDOR (they would need two applicants' views):
# the access-control suite does (FOUND_BY_ACCESS_CONTROL). Tests check that a wapiti scan of the demo reports at least one
# of the wapiti rules of every weakness, and none of them once the weakness is switched off.
DETECTED_BY: dict[str, Detection] = {
    "missing-security-headers": Detection(
        zap=("10020", "10021", "10038"),
        wapiti=(
            "wapiti:clickjacking-protection",
            "wapiti:mime-type-confusion",
            "wapiti:content-security-policy-configuration",
        ),
    ),
    "cookie-flags": Detection(zap=("10010", "10054"), wapiti=("wapiti:httponly-flag-cookie",)),
    "server-banner": Detection(
        zap=("10036", "10037"),
        wapiti=("wapiti:fingerprint-web-technology", "wapiti:fingerprint-web-application-framework"),
    ),
    "missing-csrf-token": Detection(zap=("10202",), wapiti=("wapiti:cross-site-request-forgery",)),
    "reflected-xss": Detection(zap=("40012",), wapiti=("wapiti:reflected-cross-site-scripting",)),
}

FOUND_BY_ACCESS_CONTROL: dict[str, str] = {"idor-application": "access:horizontal-escalation"}
"""Weaknesses only an access-control matrix finds, with the finding's rule id (profiles/go-live.yaml)."""
