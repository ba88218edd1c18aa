"""Importing the report's libraries while the suites run.

A run spends most of its time waiting for the tools it drives (pytest, Locust, a scanner) while the
harness's own process idles; the report at the end then imports reportlab and pyHanko (~0.4 s on a 2-core
machine), and the user waits for that. :func:`preload_report_libraries` imports them on a background
thread when the suites start, so that wait overlaps theirs.

Only third-party libraries are preloaded, never the harness's or a plug-in's modules: the thread holds no
import lock the suites' code could need in turn, so it cannot take part in an import cycle with them. And
it changes no outcome: should a library fail to import here, the exporters import what they need
themselves and report what is missing.
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

# What the built-in exporters import from outside the harness for every report: the PDF's layout
# (reportlab), its signature fields, embedded evidence and the reader of its own output (pyHanko).
REPORT_LIBRARIES = (
    "reportlab.platypus",
    "pyhanko.sign.fields",
    "pyhanko.pdf_utils.writer",
    "pyhanko.pdf_utils.reader",
    "pyhanko.stamp",
)


def preload_report_libraries(modules: tuple[str, ...] = REPORT_LIBRARIES) -> threading.Thread:
    """Start importing ``modules`` on a daemon thread and return it (nobody needs to wait for it)."""
    thread = threading.Thread(target=_import_all, args=(modules,), name="preload-report-libraries", daemon=True)
    thread.start()
    return thread


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # the exporter that needs it will say so, in the run's own words
            log.debug("preloading %s failed: %s", name, exc)
