"""Options of ``kind: parallel-run`` suites (docs/parallel-run.md): the systems side by side, the request
set replayed against them, how answers are compared, and the data checks of their databases."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.profile.model import Target
from harness.profile.paths import PathSpec
from harness.runners.parallel.paths import parse_pattern

SYSTEMS = ("primary", "secondary", "candidate")
DEMO_DATABASE = "demo"  # ``data.<system>: demo``: the SQLite file of the demo the suite started for that system


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"is not a regular expression: {exc}") from None
    return value


class FieldRule(Strict):
    """How the fields a path pattern selects are compared (docs/parallel-run.md, "Path patterns")."""

    path: str = "$.**"
    ignore: bool = False  # not compared (a differing value is still listed as ignored)
    regex: str | None = None  # the parts of string values it matches are blanked on both sides first
    absolute: float | None = Field(default=None, ge=0)  # numbers equal within this absolute difference
    relative: float | None = Field(default=None, ge=0)  # ... or within this fraction of the larger magnitude
    unordered: bool = False  # an array compared as a multiset: order does not matter
    reason: str = ""  # why the rule is there (shown in the report)

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        parse_pattern(value)
        return value

    @field_validator("regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return _check_regex(value)


class CompareOptions(Strict):
    status: bool = True
    headers: tuple[str, ...] = ("content-type",)  # response headers compared (case-insensitive names)
    ignore: tuple[str, ...] = ()  # path patterns not compared; shorthand for rules with ignore: true
    rules: tuple[FieldRule, ...] = ()

    @field_validator("ignore")
    @classmethod
    def _ignore(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            parse_pattern(pattern)
        return value

    def all_rules(self) -> tuple[FieldRule, ...]:
        return (*(FieldRule(path=p, ignore=True) for p in self.ignore), *self.rules)


class Tolerance(Strict):
    absolute: float = Field(default=0.0, ge=0)
    relative: float = Field(default=0.0, ge=0)


class TableCheck(Strict):
    """The checks of one table, run with the same SQL on every system's database."""

    table: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$")
    where: str = ""  # an SQL condition restricting the rows checked (same on both sides)
    count: bool = True  # row count
    aggregates: dict[str, str] = Field(default_factory=dict)  # name -> SQL expression, e.g. sum(fee)
    checksum: tuple[str, ...] = ()  # key columns: a digest of their values over the rows, in key order
    key: tuple[str, ...] = ()  # order of the rows for the checksum (default: the checksum's columns)
    tolerance: Tolerance = Tolerance()  # for counts and aggregates


class DataOptions(Strict):
    """The data consistency checks: each system's database (a SQLAlchemy URL, or ``demo``) and the tables."""

    primary: str
    candidate: str
    tables: tuple[TableCheck, ...] = Field(min_length=1)
    timeout: float = Field(default=30.0, gt=0, le=600)


class ParallelOptions(Strict):
    """``options`` of a ``kind: parallel-run`` suite."""

    primary: Target  # the old system
    secondary: Target | None = None  # a second instance of the old system: its differences are noise
    candidate: Target | None = None  # the new system; default: the profile's target
    requests: Annotated[str, PathSpec("request set")]  # YAML/JSON request list or a HAR file
    origin: str = ""  # HAR files: the origin whose entries are replayed (default: the most frequent one)
    compare: CompareOptions = CompareOptions()
    data: DataOptions | None = None
    max_requests: int = Field(default=1000, ge=1, le=100_000)
    excerpt: int = Field(default=200, ge=20, le=5000)  # characters of a differing value kept in the results

    @model_validator(mode="after")
    def _demo_databases(self) -> ParallelOptions:
        if self.data is None:
            return self
        for name in ("primary", "candidate"):
            system = getattr(self, name)
            if getattr(self.data, name) == DEMO_DATABASE and (system is None or system.start != "demo"):
                raise ValueError(
                    f"data.{name}: 'demo' names the database of a demo this suite starts; give {name}: "
                    "{start: demo} or a SQLAlchemy URL"
                )
        return self
