"""acceptance-harness: run a project's acceptance suites, gate on criteria, write a signed PDF report."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("acceptance-harness")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
