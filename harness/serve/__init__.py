"""``harness serve``: a read-only web dashboard over the run history, the schedules and the run directories.

    access.py       who may connect: loopback only, unless a token or basic auth from the environment
    guard.py        the ASGI middleware applying it, plus headers that keep pages inert (no scripts)
    app.py          create_app(settings): checks at start, routes, error pages
    pages.py        the routes (GET pages, the POST that verifies an uploaded report)
    dashboard.py    what each page shows, read through RunStore, ScheduleStore and the reports folder
    rundirs.py      run directories inside the reports folder; which files may be served (no traversal)
    runview.py      a run's suites, findings new/fixed against its baseline, performance charts
    trends.py       a profile's runs over time as charts
    charts.py       line charts, stacked bars and verdict strips as geometry for inline SVG
    comparisons.py  two runs compared (what `harness history diff` prints)
    signoff.py      which parties signed a run's report.pdf, checked with harness verify's API
    verification.py the verify table of a report
    upload.py       size-limited uploads into a temporary folder
    render.py       the Jinja2 environment (autoescaping) and its helpers
    cache.py        values derived from files, until the files change

See docs/dashboard.md.
"""

from __future__ import annotations

from harness.serve.access import Credentials, check_bind, is_loopback
from harness.serve.app import DEFAULT_PORT, ServeSettings, create_app

__all__ = ["DEFAULT_PORT", "Credentials", "ServeSettings", "check_bind", "create_app", "is_loopback"]
