"""Who may reach the dashboard: loopback only, unless credentials from the environment protect it.

- Listening on a loopback address (127.0.0.1, ::1, localhost) needs nothing; listening anywhere else
  (0.0.0.0, a LAN address, a host name) is refused unless a token or a user and password are set.
- With credentials set, every request must carry them, whatever the address: ``Authorization: Bearer
  TOKEN`` (scripts), or HTTP basic auth (browsers prompt for it) with the token as password and any user
  name, or the configured user and password.
- On loopback without credentials, only requests naming a loopback host are answered: a web page
  elsewhere cannot reach the dashboard through a DNS name rebound to 127.0.0.1.

Pure functions over header values: the ASGI middleware (``app.py``) applies them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from dataclasses import dataclass

from harness.errors import ServeError

TOKEN_ENV = "HARNESS_SERVE_TOKEN"
USER_ENV = "HARNESS_SERVE_USER"
PASSWORD_ENV = "HARNESS_SERVE_PASSWORD"
MIN_SECRET = 16  # characters: a guessable token would make the check pointless
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
REALM = 'Basic realm="acceptance-harness dashboard", charset="UTF-8"'


@dataclass(frozen=True, repr=False)
class Credentials:
    """What a request must show; empty when the dashboard is open (loopback only). Never printed."""

    token: str = ""
    user: str = ""
    password: str = ""

    @property
    def required(self) -> bool:
        return bool(self.token or self.password)

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return f"Credentials(token={'***' if self.token else ''!r}, user={self.user!r}, password=***)"

    @classmethod
    def of(cls, token: str | None, user: str | None, password: str | None) -> Credentials:
        """Credentials from the environment's values (the CLI reads the variables).

        Raises:
            ServeError: a token or password shorter than 16 characters, or a user without a password.
        """
        token, user, password = token or "", user or "", password or ""
        if token and len(token) < MIN_SECRET:
            raise ServeError(
                f"{TOKEN_ENV} is too short ({len(token)} characters): use at least {MIN_SECRET}, e.g. the output of "
                "python3 -c 'import secrets; print(secrets.token_urlsafe())'"
            )
        if user and not password:
            raise ServeError(f"{USER_ENV} is set but {PASSWORD_ENV} is not: set both, or neither")
        if password and len(password) < MIN_SECRET:
            raise ServeError(f"{PASSWORD_ENV} is too short ({len(password)} characters): use at least {MIN_SECRET}")
        return cls(token, user or ("harness" if password else ""), password)

    def accepts(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header value carries these credentials (constant-time comparisons)."""
        if not self.required:
            return True
        if not authorization:
            return False
        scheme, _, value = authorization.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer":
            return bool(self.token) and _same(value, self.token)
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, colon, password = decoded.partition(":")
        if not colon:
            return False
        token_ok = _same(password, self.token) if self.token else False
        user_ok, password_ok = _same(user, self.user), _same(password, self.password)  # both: no early exit
        return token_ok or (bool(self.password) and user_ok and password_ok)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and the usual names of them; anything else (0.0.0.0, a LAN address, a name) is not."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, credentials: Credentials) -> None:
    """Refuse to listen beyond loopback without credentials.

    Raises:
        ServeError: ``host`` is not a loopback address and no token or password is set.
    """
    if is_loopback(host) or credentials.required:
        return
    raise ServeError(
        f"refusing to listen on {host} without credentials: set {TOKEN_ENV} (or {USER_ENV} and {PASSWORD_ENV}) "
        "in the environment, or listen on 127.0.0.1"
    )


def host_of(header: str) -> str:
    """The host part of a ``Host`` header (``[::1]:8765`` -> ``::1``, ``localhost:8765`` -> ``localhost``)."""
    header = header.strip()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def host_allowed(header: str | None, bound: str, credentials: Credentials) -> bool:
    """Without credentials, only a request naming a loopback host (or the bound address) is answered."""
    if credentials.required:
        return True
    if not header:
        return False
    host = host_of(header)
    return is_loopback(host) or host.lower() == bound.strip("[]").lower()
