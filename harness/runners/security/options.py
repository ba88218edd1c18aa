"""Options of a ``kind: security`` suite (validated by ``harness validate`` with FILE:LINE errors)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.profile.paths import PathSpec
from harness.results.messages import message
from harness.results.model import RuleAction
from harness.results.severity import DEFAULT_FAIL_ON, FailOn, severity_actions
from harness.runners.security.rules import Defaults, from_mapping

Mode = Literal["baseline", "full", "api"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ZapOptions(_Strict):
    """How to reach ZAP: a running daemon (``api_url``) or one the harness starts from an installation."""

    api_url: str | None = Field(default=None, description="a running ZAP daemon, e.g. http://127.0.0.1:8090")
    api_key_env: str = Field(default="ZAP_API_KEY", description="environment variable holding its API key")
    home: str | None = Field(default=None, description="ZAP installation directory (default: $ZAP_HOME, PATH)")
    startup_timeout: float = Field(default=180.0, gt=0, le=1800, description="seconds to wait for a started ZAP")
    new_session: bool = Field(default=True, description="start from an empty ZAP session (no old alerts)")
    spider_minutes: float = Field(default=2.0, gt=0, le=600, description="spider time limit")
    spider_depth: int = Field(default=5, ge=1, le=100)
    ajax_spider: bool = Field(default=False, description="also run the AJAX spider (needs a browser in ZAP)")
    ajax_spider_minutes: float = Field(default=2.0, gt=0, le=600)
    passive_wait_minutes: float = Field(default=2.0, gt=0, le=600, description="bound on the passive-scan wait")
    policy: str | None = Field(default=None, description="active-scan policy name (default: ZAP's default)")
    poll_seconds: float = Field(default=2.0, gt=0, le=60)
    page_size: int = Field(default=500, ge=1, le=10_000, description="alerts fetched per API call")
    request_timeout: float = Field(default=60.0, gt=0, le=600, description="seconds one API call may take")
    scope_proxy: bool = Field(
        default=True,
        description="route ZAP's requests through the harness's scope proxy (every hop checked against the "
        "scope; needs ZAP on this machine); false: rely on ZAP's context and excludes alone",
    )

    @field_validator("api_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+/?$", value):
            raise ValueError("must be the daemon's http(s)://host:port")
        return value.rstrip("/") if value else value

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", value):
            raise ValueError("must be the name of an environment variable, not the key itself")
        return value


# wapp fingerprints from the harness's own database, offline (runners/security/fingerprints.py); csrf
# re-sends a crawled form with its token altered to see whether the server checks it.
WAPITI_PASSIVE = ("cookieflags", "csp", "http_headers", "wapp", "csrf")
WAPITI_ACTIVE = ("xss", "sql", "exec", "file", "redirect", "crlf", "permanentxss")
WAPITI_REFUSED = {  # module -> why it never runs (a catalogue message: it is listed in the report)
    "htp": "skip.refused.internet_database",
    "nikto": "skip.refused.internet_database",
    "log4shell": "skip.refused.external_dns",
    "takeover": "skip.refused.other_hosts_dns",
    "ssrf": "skip.refused.external_endpoint",
    "xxe": "skip.refused.external_endpoint",
    "brute_login_form": "skip.refused.password_lists",
}


class WapitiOptions(_Strict):
    executable: str | None = Field(default=None, description="wapiti command (default: the harness's tool venv)")
    modules: list[str] | None = Field(default=None, description="wapiti modules (default by mode)")
    depth: int = Field(default=5, ge=1, le=100)
    scope: Literal["url", "page", "folder", "domain"] = "folder"
    level: Literal[1, 2] = Field(default=1, description="attack level (2 = more payloads)")
    request_timeout: float = Field(default=10.0, gt=0, le=300)
    exclude_urls: list[str] = Field(
        default_factory=list,
        description="URLs (with * wildcards) wapiti must not request: http(s):// URLs, or paths starting with / "
        "taken under the target's base URL; wapiti takes no regexes",
    )

    @field_validator("exclude_urls")
    @classmethod
    def _absolute_or_path(cls, value: list[str]) -> list[str]:
        # wapiti refuses anything else only once the scan has started ("Invalid argument for option -x")
        for url in value:
            if not url.startswith(("http://", "https://", "/")):
                raise ValueError(
                    f"{url!r} is neither an http(s):// URL nor a path starting with / (taken under the target's "
                    "base URL)"
                )
        return value

    @field_validator("modules")
    @classmethod
    def _safe(cls, value: list[str] | None) -> list[str] | None:
        for module in value or []:
            if module in WAPITI_REFUSED:
                raise ValueError(f"module {module!r} is refused: it {message(WAPITI_REFUSED[module])}")
            if not re.match(r"^[a-z0-9_]+$", module):
                raise ValueError(f"{module!r} is not a wapiti module name")
        return value


class HeaderAuthOptions(_Strict):
    """A token sent as a request header to the target's origin only (docs/security.md: per engine)."""

    header: str = Field(default="Authorization", min_length=1)
    value_env: str = Field(description="environment variable holding the header value, e.g. 'Bearer ...'")

    @field_validator("value_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", value):
            raise ValueError("must be the name of an environment variable, not the secret itself")
        return value


class SecurityOptions(_Strict):
    engine: str = Field(
        default="auto",
        pattern=r"^[a-z][a-z0-9_-]*$",
        description="zap, wapiti, auto (ZAP when available, else wapiti), or an engine a plug-in registers",
    )
    mode: Mode = "baseline"
    path: str = Field(default="/", description="where scanning starts, relative to the target's base URL")
    openapi: Annotated[str | None, PathSpec("OpenAPI file", urls=True)] = Field(
        default=None,
        description="api mode: the OpenAPI document: a URL, a path on the target ('/openapi.json'), "
        "or a file relative to the file that writes it ('file:/abs/path' for absolute)",
    )
    max_minutes: float = Field(
        default=10.0, gt=0, le=24 * 60,
        description="the scan's time budget (wapiti: the whole scan; ZAP: the active scan); a scan cut short is incomplete",
    )  # fmt: skip
    include: list[str] = Field(default_factory=list, description="extra URL regexes in the scan context")
    exclude: list[str] = Field(
        default_factory=list,
        description="URL regexes (whole URL) no engine may request: logout, deletes, unbounded sizes",
    )
    rules_file: Annotated[str | None, PathSpec("rule file")] = Field(
        default=None, description="zap-baseline -c rule file, relative to the file that writes it"
    )
    rules: dict[str, str] = Field(default_factory=dict, description="rule id -> IGNORE|INFO|WARN|FAIL")
    out_of_scope: dict[str, list[str]] = Field(default_factory=dict, description="rule id or * -> URL regexes")
    fail_on: FailOn = Field(
        default=DEFAULT_FAIL_ON,
        description="lowest risk whose findings FAIL when no rule names them (critical, high, medium, low, never)",
    )
    default_action: RuleAction | None = Field(
        default=None, description="one action for every rule not listed, whatever its risk (replaces fail_on)"
    )
    auth: HeaderAuthOptions | None = None
    use_target_auth: bool = Field(default=True, description="send the target's auth headers while scanning")
    zap: ZapOptions = ZapOptions()
    wapiti: WapitiOptions = WapitiOptions()

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        if "://" in value or not value.startswith("/"):
            raise ValueError("must be a path starting with '/' (the host comes from the target)")
        return value

    @field_validator("include", "exclude")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        for regex in value:
            try:
                re.compile(regex)
            except re.error as exc:
                raise ValueError(f"invalid regex {regex!r}: {exc}") from None
        return value

    @property
    def unlisted_actions(self) -> Defaults:
        """What rules not listed in ``rules`` / ``rules_file`` get: ``default_action``, else by ``fail_on``."""
        return self.default_action if self.default_action is not None else severity_actions(self.fail_on)

    @model_validator(mode="after")
    def _consistent(self) -> SecurityOptions:
        if self.default_action is not None and "fail_on" in self.model_fields_set:
            raise ValueError("give either 'fail_on' (by risk) or 'default_action' (one action for all), not both")
        from_mapping(self.rules, self.out_of_scope, self.unlisted_actions)  # raises ValueError for bad entries
        if self.mode == "api" and not self.openapi:
            raise ValueError("mode 'api' needs 'openapi': the OpenAPI document's URL or file")
        if self.mode != "api" and self.openapi:
            raise ValueError("'openapi' is only used in mode 'api'")
        if self.engine == "wapiti" and self.zap != ZapOptions():
            raise ValueError("'zap' options have no effect with engine 'wapiti'")
        return self
