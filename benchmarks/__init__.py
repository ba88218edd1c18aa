"""Reproducible performance measurements: each module prints ratios against a baseline measured in the
same run (`python -m benchmarks.<name>`; `python -m benchmarks` runs them all)."""
