"""Reproducible performance measurements: ratios against baselines measured in the same run."""
