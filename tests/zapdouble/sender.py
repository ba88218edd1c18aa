"""What the ZAP double "sends": a small real spider and active scan against the scanned target.

A real ZAP requests the target itself; the double does too, over real HTTP, so tests can watch what
reaches which origin. It follows ZAP's rules for what it may request and with which headers:

- the spider fetches the start URL, the links (``href``/``action``/``src``) of HTML pages and the
  ``Location`` of redirects — never following a redirect by itself: a redirect target is a found URL like
  any other, fetched only if it is in the scan's context and not excluded from the spider;
- the active scan re-requests every spidered URL that is in context and not excluded from the active
  scan, plus ``Behaviour.probe_url`` when set (as rule 10106 "HTTP Only Site" requests the https URL of
  a site, a URL built by the rule, not found by the spider);
- every request gets the headers of the enabled ``REQ_HEADER`` replacer rules: on 2.9.0 (replacer 8) to
  every request, on current ZAP only where the rule's ``url`` regex matches the whole URL;
- with an upstream proxy configured and enabled, requests go through it (CONNECT for https).

Each request sent is recorded (:class:`Sent`) with its origin and headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

if TYPE_CHECKING:
    from tests.zapdouble.server import ZapDouble

MAX_PAGES = 40
TIMEOUT = 10.0


@dataclass(frozen=True)
class Sent:
    method: str
    url: str
    headers: dict[str, str]
    status: int  # 0: no answer (connection refused, error)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"{parts.scheme}://{parts.hostname}:{port}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "action", "src") and value:
                self.links.append(value)


def send(double: ZapDouble, url: str, method: str = "GET") -> requests.Response | None:
    """One request as ZAP would send it (replacer headers, upstream proxy), recorded on the double."""
    headers = {"User-Agent": "Mozilla/5.0 (ZAP double)"}
    for rule in double.config.replacer.values():
        if rule.get("enabled", "true").lower() != "true" or rule.get("matchType") != "REQ_HEADER":
            continue
        scoped = double.behaviour.replacer_url and rule.get("url")
        if scoped and not re.fullmatch(rule["url"], url):
            continue
        headers[rule["matchString"]] = rule.get("replacement", "")
    proxies = {}
    chain = double.config.upstream_proxy()
    if chain:
        proxies = {"http": chain, "https": chain}
    response = None
    try:
        response = requests.request(
            method, url, headers=headers, proxies=proxies, allow_redirects=False, timeout=TIMEOUT, verify=False
        )
    except requests.RequestException:
        response = None
    double.sent.append(Sent(method, url, headers, response.status_code if response is not None else 0))
    return response


def spider(double: ZapDouble, start: str, context: str) -> list[str]:
    """Crawl from ``start``; returns the URLs fetched (ZAP's ``spider/view/results``)."""
    queue = [start]
    seen: set[str] = set()
    fetched: list[str] = []
    while queue and len(fetched) < MAX_PAGES:
        url = urldefrag(queue.pop(0))[0]
        if url in seen:
            continue
        seen.add(url)
        if not _allowed(double, url, context, double.state.excluded["spider"]):
            double.state.spider_out_of_scope.append(url)
            continue
        response = send(double, url)
        fetched.append(url)
        if response is None:
            continue
        if 300 <= response.status_code < 400 and response.headers.get("Location"):
            queue.append(urljoin(url, response.headers["Location"]))
        elif "html" in response.headers.get("Content-Type", ""):
            parser = _Links()
            parser.feed(response.text)
            queue.extend(urljoin(url, link) for link in parser.links if not link.startswith(("javascript:", "mailto:")))
    return fetched


def active_scan(double: ZapDouble, urls: list[str], context_id: str) -> int:
    """Attack each URL once (what matters here is where requests go); returns the requests sent."""
    context = next((name for name, c in double.state.contexts.items() if c["id"] == context_id), "")
    sent = 0
    for url in urls:
        if context and not _allowed(double, url, context, double.state.excluded["ascan"]):
            continue
        separator = "&" if "?" in url else "?"
        send(double, f"{url}{separator}zap=%27%22%3Cscript%3E")
        sent += 1
    if double.behaviour.probe_url:
        send(double, double.behaviour.probe_url)
        sent += 1
    return sent


def _allowed(double: ZapDouble, url: str, context: str, excluded: list[str]) -> bool:
    if any(re.fullmatch(regex, url) for regex in excluded):
        return False
    if not context:
        return True
    found = double.state.contexts.get(context)
    if found is None:
        return False
    included = any(re.fullmatch(r, url) for r in found["include"])
    return included and not any(re.fullmatch(r, url) for r in found["exclude"])
