"""Headless Chromium for the dashboard's browser tests and screenshots: Debian's ``chromium`` driven through
its ``chromedriver`` (package ``chromium-driver``, installed by scripts/setup.sh). Both paths are given to
Selenium, so Selenium Manager never looks for (or downloads) a browser or a driver."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "chromium"
DRIVER = "chromedriver"


def _found(name: str, package: str) -> str:
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else "")
    if not path:
        raise RuntimeError(f"{name} not found: install the Debian package {package} (make setup as root does)")
    return path


@contextmanager
def chromium(width: int = 1280, height: int = 900, *, downloads: Path | None = None) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with the browser's console log kept; quit afterwards."""
    options = webdriver.ChromeOptions()
    options.binary_location = _found(CHROMIUM, "chromium")
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
        "--disable-extensions", "--disable-background-networking", "--disable-sync", "--lang=en-US",
        f"--window-size={width},{height}",
    ):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=_found(DRIVER, "chromium-driver")))
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


def console_problems(driver: webdriver.Chrome) -> list[str]:
    """The browser console's warnings and errors since the last call (a CSP violation, a failed load)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def full_page_screenshot(driver: webdriver.Chrome, out: Path, width: int = 1280) -> Path:
    """The whole page, not only the window, as a PNG."""
    driver.set_window_size(width, 600)  # measured from a small window: the previous page's height must not stay
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    chrome = int(driver.execute_script("return window.outerHeight - window.innerHeight"))
    driver.set_window_size(width, min(height + chrome, 8000))
    out.parent.mkdir(parents=True, exist_ok=True)
    if not driver.save_screenshot(str(out)):
        raise RuntimeError(f"chromium could not write {out}")
    return out


def open_page(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _replaced(old: WebElement) -> Callable[[webdriver.Chrome], bool]:
    """Whether the page holding ``old`` has been replaced. Asked mid-navigation, chromedriver may answer "node
    does not belong to the document" (an unknown error) instead of "stale element": both mean replaced."""

    def check(_driver: webdriver.Chrome) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in (exc.msg or ""):
                return True
            raise
        return False

    return check


def upload_in_browser(driver: webdriver.Chrome, url: str, report: Path, *, partial: bool = False) -> str:
    """Upload ``report`` on the verify page at ``url`` as a user would; return the bottom line shown."""
    open_page(driver, url + "verify")
    driver.find_element(By.CSS_SELECTOR, "input[type=file][name=report]").send_keys(str(report))
    if partial:
        driver.find_element(By.CSS_SELECTOR, "input[name=partial]").click()
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "form[action='/verify'] button[type=submit]").click()
    WebDriverWait(driver, 120).until(_replaced(old))
    line = WebDriverWait(driver, 120).until(expected_conditions.presence_of_element_located((By.ID, "bottom-line")))
    return " ".join(line.text.split())
