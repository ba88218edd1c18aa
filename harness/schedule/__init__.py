"""Scheduled runs: ``harness schedule add|list|remove|export`` and the ``harness scheduler run`` loop.

See docs/history-and-scheduling.md. Schedules live in profiles (``schedule:``) or in the history database
(``harness schedule add``); every scheduled run is recorded in that history like any other run.
"""
