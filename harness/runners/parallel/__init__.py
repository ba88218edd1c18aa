"""``kind: parallel-run``: old and new system side by side (docs/parallel-run.md)."""
