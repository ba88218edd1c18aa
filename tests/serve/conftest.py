"""Fixtures of the dashboard's tests: one recorded history for the session (serve/dashboard_data.py) and a
TestClient over the real application, as a browser on 127.0.0.1 would reach it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from harness.history.location import HistoryLocation
from harness.serve import ServeSettings, create_app
from serve.dashboard_data import DashboardData, build


@pytest.fixture(scope="session")
def dashboard_data(tmp_path_factory: pytest.TempPathFactory) -> DashboardData:
    """Shared by the session's tests: read it, never change it (copy what a test must change)."""
    return build(tmp_path_factory.mktemp("dashboard"))


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(dashboard_data: DashboardData) -> Iterator[MakeClient]:
    """``make_client(**settings)``: a client of an app over the shared history, trusting the DEMO CA unless
    ``trust=()`` is given."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        values: dict[str, object] = {
            "history": HistoryLocation(path=dashboard_data.history), "reports": dashboard_data.reports,
            "trust": (dashboard_data.ca,),
        }  # fmt: skip
        values.update(overrides)
        client = TestClient(create_app(ServeSettings(**values)), base_url="http://127.0.0.1:8765")  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


def copy_reports(data: DashboardData, tmp_path: Path) -> Path:
    """A private copy of the reports folder (history included) a test may change."""
    import shutil

    target = tmp_path / "reports"
    shutil.copytree(data.reports, target, symlinks=True)
    return target
