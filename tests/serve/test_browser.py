"""The dashboard in a real browser: ``harness serve`` started as a process on 127.0.0.1 (a free port), driven
by headless Chromium (Debian's chromium and chromium-driver) over the demo history. Pages load without a
console error (a Content-Security-Policy violation or a failed load shows there), the SVG charts are laid
out with a size and their marks, every link of every page resolves, and the verify page shows a tampered
report as failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from serve.browser import chromium, console_problems, open_page, upload_in_browser
from serve.dashboard_data import DashboardData, tampered_copy
from serve.server import ServeProcess, serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(dashboard_data: DashboardData, repo: Path) -> Iterator[ServeProcess]:
    profile = repo / "profiles" / "demo.yaml"  # its declared schedule shows next to the ones added to the history
    args = ["--reports", str(dashboard_data.reports), "--trust", str(dashboard_data.ca), str(profile)]
    with serving(args) as process:
        yield process


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


def main_pages(data: DashboardData) -> dict[str, str]:
    first, last = data.demo_runs[0], data.demo_runs[-1]
    return {
        "/": "Projects and profiles",
        "/runs": "Runs",
        "/profiles/demo": "Profile demo",
        f"/runs/{data.signed_run}": f"Run {data.signed_run}",
        f"/runs/{data.unfinished}": f"Run {data.unfinished}",
        f"/runs/{data.elsewhere}": f"Run {data.elsewhere}",
        f"/diff?a={first}&b={last}": "Compare two runs",
        "/schedules": "Schedules",
        "/verify": "Verify a report",
    }


def links_of(driver: webdriver.Chrome) -> list[str]:
    """Every href of the page (HTML and SVG anchors), made absolute by the browser."""
    found = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]'), a => new URL(a.getAttribute('href'), document.baseURI).href)"
    )
    return [str(link) for link in found]


def test_every_main_page_loads_styled_and_without_a_console_problem(
    server: ServeProcess, browser: webdriver.Chrome, dashboard_data: DashboardData
) -> None:
    console_problems(browser)  # forget what came before
    for path, heading in main_pages(dashboard_data).items():
        open_page(browser, server.url.rstrip("/") + path)
        assert browser.title.endswith("· acceptance-harness"), path
        h1 = browser.find_element(By.TAG_NAME, "h1").text
        assert h1.startswith(heading), (path, h1)
        rules = browser.execute_script(
            "return document.styleSheets.length ? document.styleSheets[0].cssRules.length : 0"
        )
        assert rules > 10, path  # the stylesheet loaded (the CSP allows 'self')
        assert console_problems(browser) == [], path


def rendered_marks(driver: webdriver.Chrome) -> list[dict[str, float]]:
    """Per chart: its laid-out size, and how many drawn marks (points, bars, lines) have a non-empty box."""
    return list(
        driver.execute_script(
            """return Array.from(document.querySelectorAll('svg.svg-chart'), svg => {
                 const box = svg.getBoundingClientRect();
                 const marks = Array.from(svg.querySelectorAll('circle.point, rect.bar, path.series'))
                   .filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; });
                 return {width: box.width, height: box.height, marks: marks.length,
                         kind: svg.dataset.kind, points: svg.querySelectorAll('circle.point').length};
               })"""
        )
    )


def test_charts_render_with_their_marks(
    server: ServeProcess, browser: webdriver.Chrome, dashboard_data: DashboardData
) -> None:
    open_page(browser, server.url + "profiles/demo")
    charts = rendered_marks(browser)
    assert len(charts) >= 4
    for chart in charts:
        tall = 10 if chart["kind"] == "strip" else 100  # the verdict strip is one row of squares
        assert chart["width"] > 100 and chart["height"] > tall, chart
        assert chart["marks"] >= 1, chart
    # the trend lines carry one point per finished demo run and the unfinished one is not plotted as a p95
    assert max(c["points"] for c in charts) >= len(dashboard_data.demo_runs)
    kinds = {c["kind"] for c in charts}
    assert {"line", "bars", "strip"} <= kinds, kinds

    open_page(browser, server.url + f"runs/{dashboard_data.signed_run}")
    performance = [c for c in rendered_marks(browser) if c["kind"] == "line"]
    assert performance and all(c["marks"] >= 2 for c in performance)  # a series and its points

    open_page(browser, server.url)
    strips = rendered_marks(browser)
    assert strips and all(c["kind"] == "strip" and c["marks"] >= 1 for c in strips)
    assert console_problems(browser) == []


def test_every_link_resolves(server: ServeProcess, browser: webdriver.Chrome, dashboard_data: DashboardData) -> None:
    origin = urlsplit(server.url).netloc
    links: set[str] = set()
    for path in main_pages(dashboard_data):
        open_page(browser, server.url.rstrip("/") + path)
        links.update(links_of(browser))
    outside = sorted(link for link in links if urlsplit(link).netloc != origin)
    assert outside == []  # nothing leaves the dashboard (no CDN, no tracker)
    run_dir = dashboard_data.reports / dashboard_data.signed_run
    served = [p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*") if p.is_file()]
    served = [p for p in served if "/" not in p or p.startswith("raw/")]  # target/ is the system's, never served
    assert "report.pdf" in served and any(p.startswith("raw/") for p in served)
    for relative in served:  # the run page links every file of its evidence
        assert f"{server.url}runs/{dashboard_data.signed_run}/files/{relative}" in links, relative
    assert not any("/files/target/" in link for link in links)
    with requests.Session() as session:
        broken = {}
        for link in sorted(links):
            with session.get(link, timeout=60, stream=True) as response:
                if response.status_code != 200:
                    broken[link] = response.status_code
    assert broken == {}


def test_following_links_by_clicking(
    server: ServeProcess, browser: webdriver.Chrome, dashboard_data: DashboardData
) -> None:
    open_page(browser, server.url)
    browser.find_element(By.CSS_SELECTOR, "a.profile-link[href='/profiles/demo']").click()
    WebDriverWait(browser, 60).until(expected_conditions.url_contains("/profiles/demo"))
    point = browser.find_element(By.CSS_SELECTOR, "svg.svg-chart a circle.point")
    point.click()  # a point of a trend opens its run
    WebDriverWait(browser, 60).until(expected_conditions.url_contains("/runs/"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Run ")
    assert console_problems(browser) == []


def colour_of_bottom_line(driver: webdriver.Chrome) -> str:
    return str(driver.execute_script("return getComputedStyle(document.getElementById('bottom-line')).color"))


def test_verify_upload_shows_a_tampered_report_as_failed(
    server: ServeProcess, browser: webdriver.Chrome, dashboard_data: DashboardData, tmp_path: Path
) -> None:
    report = dashboard_data.reports / dashboard_data.signed_run / "report.pdf"
    tampered = tampered_copy(report, tmp_path / "tampered.pdf")
    line = upload_in_browser(browser, server.url, tampered, partial=True)
    assert line.startswith("FAILED") and "integrity broken" in line, line
    intact = [cell.text for cell in browser.find_elements(By.XPATH, "//table[@class='verify']//tr[th='intact']/td")]
    assert intact == ["NO", "—", "NO"]
    failed_colour = colour_of_bottom_line(browser)
    assert "state-bad" in (browser.find_element(By.ID, "bottom-line").get_attribute("class") or "")

    line = upload_in_browser(browser, server.url, report, partial=True)  # the genuine one, two of three signed
    assert line.startswith("PARTIAL: 2 of 3 parties signed; not yet signed: business"), line
    assert colour_of_bottom_line(browser) != failed_colour  # the failure is shown in its own colour
    assert console_problems(browser) == []
