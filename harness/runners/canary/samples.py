"""Read what the harness's Locust plug-in recorded per request (``HARNESS_LOCUST_SAMPLES``) into the
three series the judge compares: response times of successful requests, request outcomes, and requests
completed per whole second."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

FORMAT = "harness-locust-samples/1"


class SamplesError(Exception):
    """The samples file is missing or not what the plug-in writes (the runner says which deployment)."""


@dataclass(frozen=True)
class Samples:
    requests: int  # every request of the test, exactly
    failures: int
    limit: int  # the most requests the plug-in keeps (a uniform sample beyond it)
    latencies: tuple[float, ...]  # seconds, successful requests after the warm-up (kept sample)
    outcomes: tuple[int, ...]  # 1 failed / 0 succeeded, requests after the warm-up (kept sample)
    per_second: tuple[float, ...]  # requests completed in each whole second after the warm-up (exact)

    @property
    def sampled(self) -> bool:
        """True when the plug-in kept a sample of the requests rather than all of them."""
        return self.requests > self.limit


def read_samples(path: Path, warmup: float, run_time: float) -> Samples:
    """The series of one deployment, leaving out the first ``warmup`` seconds.

    Per-second counts cover the whole seconds from the end of the warm-up to the last whole second before
    ``run_time`` (the last one may be cut by the stop); a second without any request counts 0, so a
    stalled deployment shows as such.

    Raises:
        SamplesError: no file, or not the plug-in's format.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SamplesError(f"{path.name} was not written") from None
    except (OSError, ValueError) as exc:
        raise SamplesError(f"{path.name} is unreadable: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SamplesError(f"{path.name} is not in the format {FORMAT}")
    try:
        kept = [(float(t), float(ms), int(failed)) for t, ms, failed in document["samples"]]
        counts = {int(second): float(requests) for second, requests, _ in document["seconds"]}
        requests, failures, limit = int(document["requests"]), int(document["failures"]), int(document["limit"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SamplesError(f"{path.name} is malformed: {exc!r}") from None
    after = [(ms, failed) for t, ms, failed in kept if t >= warmup]
    first, end = math.ceil(warmup), math.floor(run_time) - 1
    return Samples(
        requests=requests,
        failures=failures,
        limit=limit,
        latencies=tuple(ms / 1000 for ms, failed in after if not failed),
        outcomes=tuple(failed for _, failed in after),
        per_second=tuple(counts.get(second, 0.0) for second in range(first, max(first, end))),
    )
