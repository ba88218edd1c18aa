"""wapiti's ``wapp`` module, offline: the harness's own fingerprint database in Wappalyzer's format.

wapp identifies server software and frameworks from the root page's headers and HTML. Left to itself it
downloads the Wappalyzer database from GitHub on its first run, and for detected software whose CVEs
wapiti tracks (nginx, PHP, Jetty, ...) it downloads NVD data from GitHub too. The harness never lets
it reach out; before the scan it prepares wapiti's config directory (``--store-config``), which wapp
reads first:

- ``categories.json``, ``groups.json`` and ``technologies.json`` (merged from ``wapp/technologies/*.json``):
  a small database written for this project (servers and frameworks common in public-sector stacks,
  matched by their response headers);
- an empty CVE list ``cves/<name>.json.xz`` for every technology in it, so wapp's CVE lookup finds
  local data and never downloads: the harness has no CVE data, so version disclosures are reported
  but no CVEs are matched;
- a private copy of the database handed to ``--wapp-dir``: should wapp find the config unreadable, it
  reloads from that directory instead of the internet.
"""

from __future__ import annotations

import json
import lzma
import shutil
from pathlib import Path
from typing import Any

DATABASE = Path(__file__).with_name("wapp")
_TABLES = ("categories.json", "groups.json")
CVE_DIRECTORY = "cves"  # wapiti's name (wapitiCore.attack.cve.checker.CVE_DIRECTORY)


def technologies(database: Path = DATABASE) -> dict[str, Any]:
    """Every technology of the database: the files of ``technologies/`` merged, as wapiti merges them."""
    merged: dict[str, Any] = {}
    for path in sorted((database / "technologies").glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def cve_file_name(technology: str) -> str:
    """The file wapiti's CVE lookup reads for a technology (its own normalisation of the name)."""
    return technology.lower().replace(".", "").replace("-", "") + ".json.xz"


def install(config_dir: Path, wapp_dir: Path, database: Path = DATABASE) -> None:
    """Prepare wapiti's config directory and the ``--wapp-dir`` copy so that wapp works offline."""
    config_dir.mkdir(parents=True, exist_ok=True)
    for table in _TABLES:
        shutil.copyfile(database / table, config_dir / table)
    merged = technologies(database)
    (config_dir / "technologies.json").write_text(json.dumps(merged, ensure_ascii=False), encoding="utf-8")
    cves = config_dir / CVE_DIRECTORY
    cves.mkdir(exist_ok=True)
    empty = lzma.compress(b"[]")
    for name in merged:
        (cves / cve_file_name(name)).write_bytes(empty)
    shutil.copytree(database, wapp_dir, dirs_exist_ok=True)
