"""Canary load of the demo permit service: a steady pace of reads, the same against baseline and canary.

The canary suite (docs/canary.md) runs this file twice at once, one Locust per deployment, with the
deployment as ``--host`` (``LOCUST_HOST``). Each user starts a task every 0.1 s (``constant_pacing``), so
the throughput of a healthy deployment is steady — 10 requests per second per user — and only a
deployment too slow to keep the pace serves fewer: throughput compares cleanly, not through the noise of
random think times. When the harness gives the deployment's auth headers (``HARNESS_TARGET``, from the
deployment's ``auth``), users also list applications as that user.
"""

from __future__ import annotations

import json
import os

from locust import FastHttpUser, constant_pacing, task

HEADERS: dict[str, str] = json.loads(os.environ.get("HARNESS_TARGET", "{}")).get("headers", {})


class Reader(FastHttpUser):
    """A portal visitor reading the catalogue (and, signed in, the application list)."""

    wait_time = constant_pacing(0.1)

    @task(3)
    def permit_types(self) -> None:
        self.client.get("/api/permit-types", name="/api/permit-types")

    @task(1)
    def applications(self) -> None:
        if HEADERS:
            self.client.get("/api/applications?page_size=5", headers=HEADERS, name="/api/applications")
        else:
            self.client.get("/api/permit-types", name="/api/permit-types")
