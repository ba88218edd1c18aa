"""The project lifecycle: each stage closed by a signed report, recorded in a ledger, the reports chained (docs/stages.md)."""
