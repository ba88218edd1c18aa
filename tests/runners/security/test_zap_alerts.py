"""Alert paging against both paging bases ZAP daemons use (2.9.0: 1-based above start=0)."""

from __future__ import annotations

import pytest

from harness.runners.security.zap_alerts import AlertPager


def daemon(alerts: list[dict[str, str]], one_based: bool):  # type: ignore[no-untyped-def]
    calls: list[tuple[int, int]] = []

    def fetch(start: int, count: int) -> list[dict[str, str]]:
        calls.append((start, count))
        index = start - 1 if one_based and start > 0 else start
        return alerts[index : index + count]

    return fetch, calls


@pytest.mark.parametrize("one_based", [True, False])
@pytest.mark.parametrize(("total", "size"), [(0, 5), (1, 1), (7, 1), (10, 5), (11, 5), (327, 40)])
def test_every_alert_is_read_exactly_once(one_based: bool, total: int, size: int) -> None:
    alerts = [{"id": str(i), "alert": f"a{i}"} for i in range(total)]
    fetch, calls = daemon(alerts, one_based)
    pager = AlertPager(fetch, size)
    assert pager.new_alerts() == alerts
    assert pager.alerts == alerts and pager.duplicates == 0
    if total >= 2 or (total == 1 and size == 1):
        assert pager.offset == (1 if one_based else 0)
    assert len(calls) <= total // size + 3  # pages, plus the one probe of the paging base


@pytest.mark.parametrize("one_based", [True, False])
def test_alerts_raised_between_calls_are_picked_up_once(one_based: bool) -> None:
    alerts = [{"id": str(i)} for i in range(3)]
    fetch, _ = daemon(alerts, one_based)
    pager = AlertPager(fetch, 2)
    assert len(pager.new_alerts()) == 3
    alerts.extend({"id": str(i)} for i in range(3, 8))
    assert [a["id"] for a in pager.new_alerts()] == ["3", "4", "5", "6", "7"]
    assert pager.new_alerts() == [] and len(pager.alerts) == 8
