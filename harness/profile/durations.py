"""Durations written in suite options: ``30s``, ``2m``, ``1h30m``, ``500ms`` or a number of seconds.

The runners differ in which units make sense and how long is still plausible (a load test lasts minutes,
at most a week; a monitoring window may span months, written in days or weeks), so each one describes its
:class:`DurationSyntax` and marks its fields with it::

    LOAD_DURATIONS = DurationSyntax({"h": 3600.0, "m": 60.0, "s": 1.0}, 7 * 86400.0, "a week", "30s or 2m")
    Duration = Annotated[float, BeforeValidator(LOAD_DURATIONS.parse)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

LONGEST_TEXT = 40
"""Characters of a duration read at most: anything longer is no duration, and quoting it all would flood."""


@dataclass(frozen=True)
class DurationSyntax:
    """The units a family of options accepts and the longest duration that is not a typo.

    ``units`` maps each suffix to its seconds (``{"m": 60.0, "ms": 0.001}``); ``examples`` ends the message
    for what is no duration, ``longest_words`` and ``longest_examples`` the one for what is too long
    (``1e9 s is longer than a week; give a duration such as 30s``).
    """

    units: Mapping[str, float]
    longest: float
    longest_words: str
    examples: str
    longest_examples: str | None = None

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # longest suffix first, so that "min" and "ms" are not read as "m" followed by garbage
        suffixes = "|".join(sorted(self.units, key=len, reverse=True))
        return re.compile(rf"(\d+(?:\.\d+)?)({suffixes})")

    def parse(self, value: object) -> object:
        """A pydantic ``BeforeValidator``: a duration -> seconds (float), bounded by ``longest``.

        Values of other types go through untouched for pydantic to judge, and so does a NaN: the field's
        own bounds (``gt=0``, ``ge=0``) refuse it. A boolean is refused here: pydantic would read ``true``
        (or YAML's ``yes``) as one second.

        Raises:
            ValueError: the value is a boolean, the text is no duration in these units, or it is longer
                than ``longest``.
        """
        if isinstance(value, bool):
            raise ValueError(f"{str(value).lower()} (a yes/no value) is not a duration such as {self.examples}")
        if not isinstance(value, int | float | str):
            return value
        if isinstance(value, int | float):
            if isinstance(value, float) and math.isnan(value):
                return value
            # float() of an int beyond ~1e308 raises OverflowError, which pydantic would not report
            return self._bounded(float(value) if abs(value) < 1e300 else math.inf)
        text = value.strip().lower().replace(" ", "")
        if len(text) > LONGEST_TEXT:
            raise ValueError(f"{value[:LONGEST_TEXT]!r}... is not a duration such as {self.examples}")
        if re.fullmatch(r"\d+(\.\d+)?", text):
            return self._bounded(float(text))
        parts = self._pattern.findall(text)
        if not parts or "".join(number + unit for number, unit in parts) != text:
            raise ValueError(f"{value!r} is not a duration such as {self.examples}")
        return self._bounded(sum(float(number) * self.units[unit] for number, unit in parts))

    def _bounded(self, seconds: float) -> float:
        if not math.isfinite(seconds) or seconds > self.longest:
            raise ValueError(
                f"{seconds:g} s is longer than {self.longest_words}; "
                f"give a duration such as {self.longest_examples or self.examples}"
            )
        return seconds
