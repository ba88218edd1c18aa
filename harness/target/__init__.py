"""The system under test: start it (demo) or reach it (URL), authenticate, and hand runners a handle.

:mod:`harness.target.opening` opens the target for a run; runners see only the
:class:`~harness.target.handle.TargetHandle`. This package imports nothing itself, so that modules which
only name the handle (every runner, ``harness validate``) do not load the HTTP client.
"""
