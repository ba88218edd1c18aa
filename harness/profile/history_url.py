"""The URL of a shared run history on PostgreSQL (``history: {url: postgresql://user:${PGPASSWORD}@host/db}``).

Parsed once into its parts. The password is a secret whether it came from ``${VAR}`` or was written into
the profile: it is a ``SecretStr`` (so the profile loader adds it to the run's secrets and every log line,
captured output and stored file is redacted), and the URL is always shown and stored as
``postgresql://user:***@host/db``. Without a password in the URL, libpq reads ``PGPASSWORD`` or
``~/.pgpass`` — nothing secret then passes through the harness at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, model_serializer, model_validator

from harness.redaction import REDACTED

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
_SPECIAL = (
    "a password with /, ? or # must be percent-encoded (%2F %3F %23), "
    "or left out of the URL for libpq to read from PGPASSWORD or ~/.pgpass"
)


class DatabaseUrl(BaseModel):
    """A ``postgresql://`` URL in parts; ``render()`` is the only way back to the text with the password."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str = ""
    password: SecretStr | None = None
    password_as_written: SecretStr | None = None  # percent-encoded in the URL: also kept out of every text
    host: str = ""  # empty: libpq's default (the local Unix socket)
    port: int | None = None
    database: str = ""
    query: tuple[tuple[str, str], ...] = ()  # libpq parameters, e.g. (("sslmode", "require"),)

    @classmethod
    def parse(cls, text: str) -> DatabaseUrl:
        """Raises ValueError saying what is wrong (never quoting the URL: it may hold the password)."""
        try:
            return cls.model_validate(text)
        except ValidationError as exc:
            raise ValueError("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        scheme, _, rest = value.partition("://")
        if scheme not in SCHEMES or not rest:
            raise ValueError(
                f"must be a PostgreSQL URL, postgresql://USER:${{PGPASSWORD}}@HOST[:PORT]/DATABASE (not {scheme}://)"
            )
        if "#" in rest:
            raise ValueError(_SPECIAL)
        parts = urlsplit("postgresql://" + rest)
        userinfo, at, _ = parts.netloc.rpartition("@")
        user_text, colon, password_text = userinfo.partition(":") if at else ("", "", "")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"the port after the host must be a number from 1 to 65535 ({_SPECIAL})") from None
        if "," in (parts.hostname or ""):
            raise ValueError("give one host: several hosts in one URL are not supported")
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))
        if any(key == "password" for key, _ in query):
            raise ValueError(
                "put the password before the host (postgresql://USER:${PGPASSWORD}@HOST/DB), not in ?password="
            )
        database = unquote(parts.path.lstrip("/"))
        if "/" in database:
            raise ValueError(f"the database name {database!r} may not contain '/'")
        password = unquote(password_text) if colon else None
        return {
            "username": unquote(user_text),
            "password": password,
            "password_as_written": password_text if colon and password_text != password else None,
            "host": parts.hostname or "",
            "port": port,
            "database": database,
            "query": query,
        }

    def _netloc(self, password: str | None) -> str:
        user = quote(self.username, safe="")
        if password is not None:
            user += ":" + password
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        return f"{user}@{host}{port}" if user else f"{host}{port}"

    def _text(self, password: str | None) -> str:
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.query)
        path = "/" + quote(self.database, safe="")
        return f"postgresql://{self._netloc(password)}{path}" + (f"?{query}" if query else "")

    def render(self) -> str:
        """The URL with its password: only for connecting, never for showing or storing."""
        secret = self.password.get_secret_value() if self.password is not None else None
        return self._text(quote(secret, safe="") if secret is not None else None)

    def without_password(self) -> DatabaseUrl:
        """The same URL for libpq to complete from PGPASSWORD or ~/.pgpass (for files others may read)."""
        return self.model_copy(update={"password": None, "password_as_written": None})

    @property
    def redacted(self) -> str:
        """The URL as shown in messages, logs, run.json and the report: the password replaced by ***."""
        return self._text(REDACTED if self.password is not None else None)

    @property
    def secrets(self) -> frozenset[str]:
        found = {s.get_secret_value() for s in (self.password, self.password_as_written) if s is not None}
        return frozenset(s for s in found if s)

    @property
    def where(self) -> str:
        """host:port/database for messages."""
        return f"{self.host or 'localhost'}:{self.port or 5432}/{self.database or self.username or '?'}"

    @model_serializer
    def _serialize(self) -> str:
        return self.redacted

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.redacted!r})"
