"""``kind: checksums``: a worked example of a suite-kind plug-in (docs/plugins.md)."""
