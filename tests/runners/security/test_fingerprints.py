"""The harness's fingerprint database for wapiti's wapp module, and how it is laid out for an offline scan."""

from __future__ import annotations

import json
import lzma
import re
from pathlib import Path
from typing import Any

import pytest

from harness.runners.security import fingerprints
from harness.runners.security.fingerprints import DATABASE, cve_file_name, install, technologies

# Wappalyzer's pattern syntax: "<regex>\;version:\1" (wapitiCore.wappalyzer.ApplicationData.normalize_regex)


def _patterns(technology: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, pattern) of every pattern of a technology."""
    found: list[tuple[str, str]] = []
    for key in ("headers", "cookies", "meta"):
        for name, pattern in technology.get(key, {}).items():
            found.append((f"{key}.{name}", str(pattern)))
    for key in ("html", "url", "scriptSrc"):
        found += [(key, str(pattern)) for pattern in technology.get(key, [])]
    return found


def _match(pattern: str, value: str) -> str | None:
    """What wapiti would report for a header value: the version, "" for the name alone, None for no match."""
    regex, *options = pattern.split("\\;")
    match = re.search(regex, value, re.I)
    if match is None:
        return None
    version = dict(option.split(":", 1) for option in options).get("version", "")
    for index, group in enumerate(match.groups(), start=1):
        version = version.replace(f"\\{index}", group or "")
    return version


def test_the_database_is_consistent() -> None:
    categories = json.loads((DATABASE / "categories.json").read_text(encoding="utf-8"))
    groups = json.loads((DATABASE / "groups.json").read_text(encoding="utf-8"))
    merged = technologies()
    assert len(merged) >= 15
    assert any(c["name"] == "Web servers" for c in categories.values())  # wapiti's web-server finding keys on it
    for category in categories.values():
        assert category["name"] and all(str(g) in groups for g in category["groups"])
    for name, technology in merged.items():
        assert technology["cats"] and all(str(c) in categories for c in technology["cats"]), name
        assert all(implied in merged for implied in technology.get("implies", [])), name
        assert _patterns(technology) or name == "Node.js", f"{name} is never detected"  # Node.js: implied
        for where, pattern in _patterns(technology):
            re.compile(pattern.split("\\;")[0])
            assert all(option.startswith(("version:", "confidence:")) for option in pattern.split("\\;")[1:]), where


@pytest.mark.parametrize(
    ("technology", "header", "value", "version"),
    [
        ("Nginx", "Server", "nginx/1.24.0", "1.24.0"),
        ("Nginx", "Server", "nginx", ""),
        ("Tengine", "Server", "Tengine/2.3.3", "2.3.3"),
        ("Apache HTTP Server", "Server", "Apache/2.4.57 (Debian)", "2.4.57"),
        ("Apache HTTP Server", "Server", "Apache-Coyote/1.1", None),
        ("Apache Tomcat", "Server", "Apache-Coyote/1.1", ""),
        ("Jetty", "Server", "Jetty(9.4.44.v20210927)", "9.4.44"),
        ("Microsoft IIS", "Server", "Microsoft-IIS/10.0", "10.0"),
        ("Uvicorn", "Server", "uvicorn", ""),
        ("Python", "X-Powered-By", "permit-service/1.4.2 Python/3.11 FastAPI", "3.11"),
        ("FastAPI", "X-Powered-By", "permit-service/1.4.2 Python/3.11 FastAPI", ""),
        ("PHP", "X-Powered-By", "PHP/7.4.3", "7.4.3"),
        ("ASP.NET", "X-AspNet-Version", "4.0.30319", "4.0.30319"),
        ("Express", "X-Powered-By", "Express", ""),
    ],
)
def test_banners_are_recognised(technology: str, header: str, value: str, version: str | None) -> None:
    pattern = technologies()[technology]["headers"][header]
    assert _match(pattern, value) == version


def test_install_prepares_an_offline_config_directory(tmp_path: Path) -> None:
    config, wapp = tmp_path / "config", tmp_path / "wapp"
    install(config, wapp)
    merged = technologies()
    assert json.loads((config / "technologies.json").read_text(encoding="utf-8")) == merged
    for table in ("categories.json", "groups.json"):
        assert (config / table).read_bytes() == (DATABASE / table).read_bytes()
    # an empty local CVE list for each technology, among them those wapiti tracks CVEs for
    cves = {path.name for path in (config / fingerprints.CVE_DIRECTORY).iterdir()}
    assert cves == {cve_file_name(name) for name in merged}
    assert {"nginx.json.xz", "php.json.xz", "jetty.json.xz", "nodejs.json.xz"} <= cves
    assert json.loads(lzma.decompress((config / "cves/nginx.json.xz").read_bytes())) == []
    # --wapp-dir gets a private copy: wapiti writes its merged technologies.json there, not into the package
    assert sorted(p.name for p in (wapp / "technologies").iterdir()) == sorted(
        p.name for p in (DATABASE / "technologies").iterdir()
    )
    assert not (DATABASE / "technologies.json").exists()


def test_cve_file_names_follow_wapitis_normalisation() -> None:
    assert cve_file_name("Node.js") == "nodejs.json.xz"
    assert cve_file_name("Apache HTTP Server") == "apache http server.json.xz"
