"""Load profile of the demo permit service (行政许可网上申请): applicants browsing and filing applications.

Each simulated user logs in once as one of the demo applicants, then repeats a weighted mix of what
applicants do on the portal: list their applications, search them, open one, look at the permit
catalogue and now and then file a new draft. URLs that carry an id are grouped with ``name=`` so the
report shows one row per endpoint (``GET /api/applications/[id]``), not one per application.

The harness passes the target with ``--host``; run it by hand against a demo started with
``python -m harness.demo --port 8000 --db /tmp/demo.sqlite``::

    locust -f suites/performance/locustfile.py --host http://127.0.0.1:8000 --headless -u 20 -r 5 -t 30s

Credentials are the demo's public applicant accounts (docs/demo-target.md); a real project reads them
from the environment (``PERF_USERS``, ``PERF_PASSWORD``), as this file does.
"""

from __future__ import annotations

import itertools
import os
import random

from locust import FastHttpUser, between, task

USERNAMES = [name.strip() for name in os.environ.get("PERF_USERS", "zhangsan,lisi").split(",") if name.strip()]
PASSWORD = os.environ.get("PERF_PASSWORD", "demo-applicant-pw")
SEARCH_TERMS = ("人民路", "办公楼", "餐饮", "广告", "施工", "PERF")
PERMITS = (
    {"permit_type": "construction", "area_sqm": 850, "description": "PERF 新建厂房"},
    {"permit_type": "food_service", "area_sqm": 120, "description": "PERF 社区餐饮店"},
    {"permit_type": "outdoor_advertising", "area_sqm": 24, "description": "PERF 户外广告牌"},
    {"permit_type": "road_occupation", "days": 5, "description": "PERF 施工临时占道"},
    {"permit_type": "business_license", "description": "PERF 个体工商户登记"},
)
ID_NUMBERS = ("11010119900307651X", "440305198505122342", "310115199201018885")  # valid GB 11643 check digits

_accounts = itertools.cycle(USERNAMES)


class Applicant(FastHttpUser):
    """A citizen using the online permit portal (申请人)."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.username = next(_accounts)
        self.known_ids: list[int] = []
        with self.client.post(
            "/api/auth/token",
            json={"username": self.username, "password": PASSWORD},
            name="/api/auth/token",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"login as {self.username} answered HTTP {response.status_code}")
                self.stop()
                return
            token = response.json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    @task(4)
    def list_applications(self) -> None:
        with self.client.get(
            "/api/applications?page_size=20", headers=self.headers, name="/api/applications", catch_response=True
        ) as response:
            if response.status_code == 200:
                ids = [item["id"] for item in response.json()["items"]]
                self.known_ids = ids or self.known_ids

    @task(2)
    def search(self) -> None:
        term = random.choice(SEARCH_TERMS)
        self.client.get(
            f"/api/applications?q={term}&page_size=10", headers=self.headers, name="/api/applications?q=[term]"
        )

    @task(3)
    def open_application(self) -> None:
        if not self.known_ids:
            self.list_applications()
            return
        application_id = random.choice(self.known_ids)
        self.client.get(f"/api/applications/{application_id}", headers=self.headers, name="/api/applications/[id]")

    @task(1)
    def permit_catalogue(self) -> None:
        self.client.get("/api/permit-types", headers=self.headers, name="/api/permit-types")

    @task(1)
    def file_application(self) -> None:
        payload = {
            **random.choice(PERMITS),
            "applicant_name": "性能测试",
            "id_number": random.choice(ID_NUMBERS),
            "phone": f"1380013{random.randint(0, 9999):04d}",
            "address": "某市某区人民路 100 号",
        }
        with self.client.post(
            "/api/applications", json=payload, headers=self.headers, name="/api/applications", catch_response=True
        ) as response:
            if response.status_code == 201:
                self.known_ids.append(response.json()["id"])
            elif response.status_code:  # 0: no response at all; Locust records the connection error itself
                response.failure(f"create answered HTTP {response.status_code}: {(response.text or '')[:200]}")
