"""acceptance-harness: run a project's acceptance suites, gate on criteria, write a signed PDF report."""

# The one place the version is written: pyproject.toml reads it from here (tool.setuptools.dynamic), so
# `harness --version` needs no package metadata lookup (importlib.metadata scans every installed package).
__version__ = "0.1.0"

__all__ = ["__version__"]
