"""Cron expressions and time zones as profiles and ``harness schedule add`` write them.

Standard five-field cron — minute, hour, day of month, month, day of week — with ``*``, lists, ranges,
steps and the names JAN-DEC / SUN-SAT, plus the aliases ``@hourly @daily @weekly @monthly @yearly``.
Every field is checked here so that an error names its position (``field 2 (hour) at column 3``);
croniter computes the fire times. Fire times are computed in the schedule's IANA time zone and handed
out in UTC; day-of-month and day-of-week restrict together as in Vixie cron (either may match).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tzlocal
from croniter import CroniterError, croniter


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] stands for low + i
    hint: str = ""


FIELDS: tuple[_Field, ...] = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field(
        "month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), "JAN-DEC"
    ),
    _Field("day-of-week", 0, 7, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), "SUN-SAT"),
)

ALIASES: dict[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}

_ITEM = re.compile(r"^(?:(?P<star>\*)|(?P<start>[A-Za-z0-9]+)(?:-(?P<end>[A-Za-z0-9]+))?)(?:/(?P<step>[A-Za-z0-9]*))?$")


class CronError(ValueError):
    """An invalid cron expression; ``field`` (1-5) and ``column`` (1-based) locate the problem when known."""

    def __init__(self, expression: str, problem: str, field: int | None = None, column: int | None = None) -> None:
        self.field = field
        self.column = column
        where = ""
        if field is not None:
            where = f"field {field} ({FIELDS[field - 1].name})"
            if column is not None:
                where += f" at column {column}"
            where += ": "
        super().__init__(f"invalid cron expression {expression!r}: {where}{problem}")


def _value(token: str, spec: _Field) -> int | None:
    if token.isdigit():
        return int(token)
    upper = token.upper()
    if upper in spec.names:
        return spec.low + spec.names.index(upper)
    return None


def _check_item(item: str, spec: _Field) -> str:
    """The problem with one comma-separated item of a field, or ""."""
    if not item:
        return "empty list item"
    match = _ITEM.match(item)
    if match is None:
        return f"{item!r} is not a value, range (a-b), '*' or step (x/n)"
    values: list[int] = []
    for token in (match["start"], match["end"]):
        if token is None:
            continue
        value = _value(token, spec)
        if value is None:
            names = f" or a name {spec.hint}" if spec.hint else ""
            return f"{token!r} is not a number{names}"
        if not spec.low <= value <= spec.high:
            return f"{token} is out of range {spec.low}-{spec.high}"
        values.append(value)
    if len(values) == 2 and values[0] > values[1]:
        return f"range {item.split('/')[0]} goes backwards"
    step = match["step"]
    if step is not None and (not step.isdigit() or int(step) == 0):
        return f"step {step!r} must be a whole number of at least 1"
    return ""


def parse_cron(expression: str) -> str:
    """Check a cron expression and return its five fields (aliases expanded), single-spaced.

    Raises:
        CronError: naming the field and column of the first problem.
    """
    text = expression.strip()
    if text.lower() in ALIASES:
        return ALIASES[text.lower()]
    if text.startswith("@"):
        raise CronError(expression, f"unknown alias {text!r}; known: {', '.join(ALIASES)}")
    fields = [(m.group(), m.start() + 1) for m in re.finditer(r"\S+", expression)]
    if len(fields) != 5:
        raise CronError(
            expression, f"expected 5 fields (minute hour day-of-month month day-of-week), found {len(fields)}"
        )
    for index, ((field, column), spec) in enumerate(zip(fields, FIELDS, strict=True)):
        offset = 0
        for item in field.split(","):
            problem = _check_item(item, spec)
            if problem:
                raise CronError(expression, problem, index + 1, column + offset)
            offset += len(item) + 1
    normalised = " ".join(field for field, _ in fields)
    try:
        croniter(normalised, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterError as exc:  # e.g. "0 0 30 2 *": valid fields, but no such date ever
        raise CronError(expression, f"it never matches a real date ({exc})") from None
    return normalised


def expand(expression: str) -> tuple[tuple[int, ...], ...]:
    """The values each field of a checked five-field expression allows (day-of-week 7 folded into 0)."""
    expanded = []
    for field, spec in zip(expression.split(), FIELDS, strict=True):
        values: set[int] = set()
        for item in field.split(","):
            match = _ITEM.match(item)
            assert match is not None, "expand() takes what parse_cron() returned"
            start = spec.low if match["star"] else _value(match["start"], spec)
            end = _value(match["end"], spec) if match["end"] else None
            assert start is not None, "expand() takes what parse_cron() returned"
            if match["star"] or (end is None and match["step"]):
                end = spec.high
            values.update(range(start, (start if end is None else end) + 1, int(match["step"] or 1)))
        if spec.name == "day-of-week" and 7 in values:
            values = (values - {7}) | {0}
        expanded.append(tuple(sorted(values)))
    return tuple(expanded)


def check_timezone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (e.g. ``Asia/Shanghai``). Raises ValueError for an unknown zone."""
    if len(name) > 64:  # the longest IANA name has 32 characters; the file system refuses long ones
        raise ValueError(f"unknown time zone {name[:40]!r}...; use an IANA name such as Asia/Shanghai or UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai or UTC") from None


def machine_timezone() -> str:
    """The machine's IANA time zone name, or UTC when the machine does not say."""
    try:
        name = tzlocal.get_localzone_name()
    except (OSError, LookupError, ValueError):
        return "UTC"
    return name or "UTC"


@dataclass(frozen=True)
class CronSchedule:
    """A checked cron expression in an explicit time zone; every datetime in and out is timezone-aware."""

    expression: str
    timezone: str

    @classmethod
    def parse(cls, expression: str, timezone: str | None = None) -> CronSchedule:
        """Raises CronError or ValueError (unknown time zone)."""
        zone = timezone or machine_timezone()
        check_timezone(zone)
        return cls(parse_cron(expression), zone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def next_after(self, moment: datetime) -> datetime:
        """The first fire time strictly after ``moment``, in UTC."""
        local = moment.astimezone(self.zone)
        found: datetime = croniter(self.expression, local).get_next(datetime)
        return found.astimezone(UTC)

    def latest_at_or_before(self, moment: datetime) -> datetime:
        """The last fire time at or before ``moment``, in UTC."""
        local = moment.astimezone(self.zone)
        found: datetime = croniter(self.expression, local).get_prev(datetime)
        following = self.next_after(found)
        return following if following <= moment else found.astimezone(UTC)
