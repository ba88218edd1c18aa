"""The monitoring tests' real Prometheus and demo (tests/prometheus_server.py)."""

from prometheus_server import metrics_demo, prometheus  # noqa: F401  (fixtures)
