"""The ZAP double's traditional JSON report (``-J``, ``core/other/jsonreport``, ``traditional-json``).

Sites, alerts grouped by plugin, codes as strings. ``legacy`` (2.9.0) leaves out what the real 2.9.0
leaves out: empty ``otherinfo``, ``cweid``/``wascid`` of rules 10104 and 10108, empty instance fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def traditional_report(released: list[dict[str, str]], version: str, legacy: bool) -> dict[str, Any]:
    """The ``-J`` / ``core/other/jsonreport`` shape: sites, alerts grouped by plugin, codes as strings."""
    risk_codes = {"High": "3", "Medium": "2", "Low": "1", "Informational": "0"}
    confidence_codes = {"False Positive": "0", "Low": "1", "Medium": "2", "High": "3", "Confirmed": "4"}
    sites: dict[str, dict[str, Any]] = {}
    for alert in released:
        parts = urlsplit(alert["url"])
        origin = f"{parts.scheme}://{parts.netloc}"
        site = sites.setdefault(
            origin,
            {
                "@name": origin,
                "@host": parts.hostname or "",
                "@port": str(parts.port or 80),
                "@ssl": "false",
                "alerts": {},
            },
        )
        item = site["alerts"].setdefault(
            alert["pluginId"],
            {
                "pluginid": alert["pluginId"],
                "alert": alert["alert"],
                "name": alert["name"],
                "riskcode": risk_codes[alert["risk"]],
                "confidence": confidence_codes.get(alert["confidence"], "2"),
                "riskdesc": f"{alert['risk']} ({alert['confidence']})",
                "desc": f"<p>{alert['description']}</p>",
                "instances": [],
                "count": "0",
                "solution": f"<p>{alert['solution']}</p>",
                "otherinfo": f"<p>{alert['other']}</p>" if alert["other"] else "",
                "reference": "".join(f"<p>{line}</p>" for line in alert["reference"].splitlines()),
                "cweid": alert["cweid"],
                "wascid": alert["wascid"],
                "sourceid": alert["sourceid"],
            },
        )
        instance = {
            k: alert[a]
            for k, a in (("uri", "url"), ("method", "method"), ("param", "param"), ("attack", "attack"),
                         ("evidence", "evidence"))
        }  # fmt: skip
        if legacy:  # 2.9.0 writes no empty instance fields
            instance = {k: v for k, v in instance.items() if v}
        item["instances"].append(instance)
        item["count"] = str(len(item["instances"]))
    for site in sites.values():
        for item in site["alerts"].values() if legacy else ():
            if not item.get("otherinfo"):
                item.pop("otherinfo", None)
            if item["pluginid"] in ("10104", "10108"):
                item.pop("cweid", None)
                item.pop("wascid", None)
    return {
        "@version": version,
        "@generated": "Tue, 24 Nov 2026 12:00:00",
        "site": [{**site, "alerts": list(site["alerts"].values())} for site in sites.values()],
    }
