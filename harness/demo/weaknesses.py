"""The demo target's deliberate weaknesses: what each one is and what a scanner should report.

Kept apart from the app so the profile model can validate names without importing the web stack.
"""

from __future__ import annotations

WEAKNESSES: dict[str, str] = {
    "missing-security-headers": "no X-Content-Type-Options, X-Frame-Options, Content-Security-Policy headers",
    "cookie-flags": "the session cookies (login and the portal's visitor session) are set without HttpOnly and SameSite",
    "server-banner": "Server and X-Powered-By headers disclose the software and its version",
    "cors-wildcard": "Access-Control-Allow-Origin: * on every response",
    "reflected-xss": "/portal/search echoes the q parameter into HTML without escaping",
}
