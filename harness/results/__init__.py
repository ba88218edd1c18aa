"""The result model and everything that reads or writes it: metrics, findings, severity, messages, the run
directory, importers of other tools' formats."""
