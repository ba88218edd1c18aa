"""Reproducible performance measurements: ``.venv/bin/python -m benchmarks.<name>``, ratios measured in one run."""
