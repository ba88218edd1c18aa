"""``kind: monitoring``: SLOs from the monitoring system (7×24 监控) — PromQL SLIs over a window, judged by
the criteria language (docs/monitoring.md)."""
