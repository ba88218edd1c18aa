"""User acceptance testing (DESIGN §4 "uat"): checklists, recorded results with evidence, sheets.

checklist.py   the checklist YAML (cases: id, title, preconditions, steps, expected, optional check)
results.py     recorded results (tester, date, status, comment, hashed evidence) in a YAML file
sheet.py       CSV/XLSX templates for business staff, and reading them back when filled
record.py      the interactive terminal flow (``harness uat record``)
suite.py       where a profile's uat suite keeps its checklist, results and evidence
"""
