"""Performance suites with Locust: options, command lines, the live watch, results (see runner.py).

``plugin.py`` in this package is loaded by Locust itself and must never be imported here.
"""

from harness.runners.locust.runner import LocustRunner

__all__ = ["LocustRunner"]
