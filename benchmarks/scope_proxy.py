"""Cost of the scope proxy every wapiti and ZAP scan goes through: the same sequence of GETs on one keep-alive
client, sent to the demo target directly and through :class:`~harness.runners.security.scope_proxy.ScopeProxy`,
alternating A and B.

    .venv/bin/python -m benchmarks.scope_proxy [--requests 300] [--pairs 5]

Prints min and median of each side's time per request and the extra time the proxy adds per request (goal:
at most 2 ms; a scan sends a thousand requests or more, one after another per crawler task). The proxy opens a
new connection to the target for every request, which is most of what it adds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import requests

from benchmarks._figures import alternate, figure, spread
from harness.profile.scope import Scope
from harness.runners.security.scope_proxy import ScopeProxy
from harness.target.managed import demo_target


def per_request(client: requests.Session, url: str, count: int) -> float:
    """Seconds per GET, ``count`` GETs one after another; every answer must be 200."""
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.text[:200]}")
    return (time.perf_counter() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="scope-proxy-") as temporary,
        demo_target(Path(temporary) / "target", ()) as base_url,
        ScopeProxy(Scope(["127.0.0.1"]), base_url) as proxy,
        requests.Session() as direct,
        requests.Session() as proxied,
    ):
        direct.trust_env = proxied.trust_env = False  # no proxy from the environment on either side
        proxied.proxies = {"http": proxy.url}
        url = base_url.rstrip("/") + "/health"
        per_request(direct, url, 20)  # warm both paths up
        per_request(proxied, url, 20)
        through, bare = alternate(
            args.pairs,
            lambda: per_request(proxied, url, args.requests),
            lambda: per_request(direct, url, args.requests),
        )
    print(f"  direct       {spread(bare, 'ms', 1000)}")
    print(f"  through it   {spread(through, 'ms', 1000)}")
    extra_ms = (statistics.median(through) - statistics.median(bare)) * 1000
    figure("scope proxy: extra time per request", extra_ms, "ms", "<=", 2.0,
           f"{args.requests} sequential GETs x {args.pairs} pairs")  # fmt: skip


if __name__ == "__main__":
    main()
