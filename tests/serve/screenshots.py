"""Screenshots of the dashboard's main pages for docs/dashboard/, taken as the browser tests see them.

    cd tests && ../.venv/bin/python -m serve.screenshots ../docs/dashboard

Builds the demo history of the tests (serve/dashboard_data.py) in a temporary folder, starts ``harness serve``
on 127.0.0.1 (a free port), and saves one full-page PNG per page with headless Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from serve.browser import chromium, full_page_screenshot, open_page, upload_in_browser
from serve.dashboard_data import build, tampered_copy
from serve.server import serving

REPO = Path(__file__).resolve().parents[2]


def main(out: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="harness-screenshots-") as folder:
        data = build(Path(folder))
        args = ["--reports", str(data.reports), "--trust", str(data.ca), str(REPO / "profiles" / "demo.yaml")]
        pages = {
            "overview.png": "",
            "profile.png": "profiles/demo",
            "run.png": f"runs/{data.signed_run}",
            "diff.png": f"diff?a={data.demo_runs[-2]}&b={data.demo_runs[-1]}",
            "schedules.png": "schedules",
        }
        saved = []
        with serving(args) as server, chromium() as driver:
            for name, path in pages.items():
                open_page(driver, server.url + path)
                saved.append(full_page_screenshot(driver, out / name))
            tampered = tampered_copy(data.reports / data.signed_run / "report.pdf", Path(folder) / "tampered.pdf")
            upload_in_browser(driver, server.url, tampered, partial=True)
            saved.append(full_page_screenshot(driver, out / "verify-tampered.png"))
        return saved


if __name__ == "__main__":
    for path in main(Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "docs" / "dashboard")):
        print(path)
