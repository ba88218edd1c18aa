"""The demo's added latency (a slower release for canary suites): off by default, every API answer that much
later when on, readiness checks never delayed; the option is validated where it is written."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from harness.demo.app import FAST_PATHS, Slower, create_app
from harness.demo.server import main
from harness.profile.model import DemoTarget


def test_by_default_the_demo_adds_nothing(tmp_path: Path) -> None:
    app = create_app(tmp_path / "demo.sqlite", frozenset())
    assert not any(m.cls is Slower for m in app.user_middleware)
    assert DemoTarget().added_latency_ms == 0


def test_an_added_latency_delays_every_api_answer_at_least_that_long(tmp_path: Path) -> None:
    app = create_app(tmp_path / "demo.sqlite", frozenset(), added_latency=0.25)
    with TestClient(app) as client:
        started = time.monotonic()
        answer = client.get("/api/permit-types")
        assert answer.status_code == 200 and answer.json()
        assert time.monotonic() - started >= 0.25  # a lower bound: a busy machine only makes it later
        assert client.get("/health").json()["status"] == "ok"


def test_readiness_paths_are_never_delayed() -> None:
    answered: list[str] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        answered.append(str(scope["path"]))

    slower = Slower(app, delay=3600.0)  # an hour: the test would hang if these were delayed
    for path in sorted(FAST_PATHS):
        asyncio.run(slower({"type": "http", "path": path}, None, None))  # type: ignore[arg-type]
    asyncio.run(slower({"type": "lifespan", "path": ""}, None, None))  # type: ignore[arg-type]
    assert answered == [*sorted(FAST_PATHS), ""]


@pytest.mark.parametrize("value", [-1, 10_001])
def test_the_option_is_bounded(value: float, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="added_latency_ms"):
        DemoTarget.model_validate({"added_latency_ms": value})
    with pytest.raises(SystemExit) as exited:
        main(["--port", "8000", "--db", str(tmp_path / "x.sqlite"), "--added-latency-ms", str(value)])
    assert exited.value.code == 2
