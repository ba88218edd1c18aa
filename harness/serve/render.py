"""The Jinja2 environment of the pages: autoescaping everywhere, strict about undefined names, and the
helpers templates use to format times and metrics and to build links.

Every value from run data reaches HTML only through a template expression, which escapes it; links are
built by quoting each path segment, so a run id or file name cannot change what a link points to.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from harness.results.metrics import format_metric
from harness.serve.rundirs import group_files
from harness.serve.runview import ENDPOINT_COLUMNS, shorten
from harness.serve.verification import verification_view


def run_url(run_id: str) -> str:
    return f"/runs/{quote(run_id, safe='')}"


def profile_url(profile: str) -> str:
    return f"/profiles/{quote(profile, safe='')}"


def file_url(run_id: str, path: str, *, download: bool = False) -> str:
    quoted = "/".join(quote(part, safe="") for part in path.split("/"))
    return f"{run_url(run_id)}/files/{quoted}{'?download=1' if download else ''}"


def diff_url(run_a: str, run_b: str) -> str:
    return "/diff?" + urlencode({"a": run_a, "b": run_b})


def when(moment: datetime | None) -> str:
    """The server's local time with its zone; "—" for none."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z") if moment else "—"


def in_zone(moment: datetime | None) -> str:
    """A time in the zone it carries (a schedule's own zone)."""
    return moment.strftime("%Y-%m-%d %H:%M %Z") if moment else "—"


def size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"  # pragma: no cover


def duration(seconds: float | None) -> str:
    return format_metric("duration", seconds)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("harness.serve", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        run_url=run_url, profile_url=profile_url, file_url=file_url, diff_url=diff_url, shorten=shorten,
        verification_view=verification_view, endpoint_columns=ENDPOINT_COLUMNS, group_files=group_files,
    )  # fmt: skip
    env.filters.update(when=when, in_zone=in_zone, size=size, metric=format_metric, duration=duration)
    return env
