"""``sarif.json`` — the run's security findings as SARIF 2.1.0, for CI code-scanning views.

One SARIF run per security suite (tool = the engine and its version), one rule per plugin id, and one
result per finding *instance* (each URL it was seen at). The level follows what the finding does to the
gate, so a dashboard shows the same story as the report: rule action FAIL -> error, WARN -> warning,
INFO -> note, IGNORE -> none (suppressed). The risk is kept in ``properties.risk`` and as GitHub's
``security-severity``. Alerts marked false positive are results with level none and a suppression. The
finding's fingerprint goes into ``partialFingerprints`` so platforms track it across runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from harness import __version__
from harness.gates.verdict import suite_stop
from harness.results.model import Finding, Instance, Risk, RuleAction, RunResult, SuiteResult, SuiteStatus
from harness.results.rundir import RunDirectory, write_atomic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_FILE = "sarif.json"

_LEVEL = {RuleAction.FAIL: "error", RuleAction.WARN: "warning", RuleAction.INFO: "note", RuleAction.IGNORE: "none"}
_SCORE = {Risk.CRITICAL: "9.5", Risk.HIGH: "8.0", Risk.MEDIUM: "5.5", Risk.LOW: "3.0", Risk.INFO: "0.0"}


def _rule(finding: Finding) -> dict[str, Any]:
    properties: dict[str, Any] = {"risk": finding.risk.value, "security-severity": _SCORE[finding.risk]}
    tags = ["security"]
    if finding.cwe:
        tags.append(f"external/cwe/cwe-{finding.cwe}")
    if finding.wasc:
        properties["wasc"] = finding.wasc
    properties["tags"] = tags
    rule: dict[str, Any] = {
        "id": finding.rule_id,
        "name": "".join(word.capitalize() for word in finding.name.split() if word.isalnum()) or finding.rule_id,
        "shortDescription": {"text": finding.name or finding.rule_id},
        "defaultConfiguration": {"level": _LEVEL[finding.action]},
        "properties": properties,
    }
    if finding.description:
        rule["fullDescription"] = {"text": finding.description}
    if finding.solution:
        rule["help"] = {"text": finding.solution}
    web = next((r for r in finding.references if r.startswith(("http://", "https://"))), None)
    if web:
        rule["helpUri"] = web
    return rule


def _result(
    finding: Finding, instance: Instance | None, rule_index: int, false_positive: bool = False
) -> dict[str, Any]:
    level = "none" if false_positive else _LEVEL[finding.action]
    where = instance.url if instance and instance.url else ""
    text = finding.name + (f" at {instance.method} {where}".rstrip() if instance and where else "")
    if instance and instance.param:
        text += f" (parameter {instance.param})"
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": text},
        "partialFingerprints": {"harnessFingerprint/v1": finding.fingerprint or finding.rule_id},
        "properties": {"action": finding.action.value, "confidence": finding.confidence, "risk": finding.risk.value},
    }
    if where:
        result["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": where}}}]
    if instance and (instance.evidence or instance.attack):
        result["properties"]["evidence"] = instance.evidence
        result["properties"]["attack"] = instance.attack
    if instance and instance.request:
        result["properties"]["request"] = instance.request
    if finding.cwe:
        result["properties"]["cwe"] = finding.cwe
    if false_positive:
        result["suppressions"] = [{"kind": "external", "justification": "marked false positive: not counted"}]
    elif finding.action is RuleAction.IGNORE:
        result["suppressions"] = [{"kind": "external", "justification": "rule action IGNORE in the rule configuration"}]
    return result


def sarif_run(suite: SuiteResult) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for finding, false_positive in [*((f, False) for f in suite.findings), *((f, True) for f in suite.false_positives)]:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(rules)
            rules.append(_rule(finding))
        for instance in finding.instances or (None,):
            results.append(_result(finding, instance, index[finding.rule_id], false_positive))
    tool = suite.tool
    driver: dict[str, Any] = {"name": tool.name if tool else suite.name, "rules": rules}
    if tool and tool.version:
        driver["version"] = tool.version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"{suite.name}/"},
        "results": results,
        "properties": {"suite": suite.name, "status": suite.status.value},
    }
    if suite.coverage is not None:
        run["properties"]["coverage"] = suite.coverage.model_dump(mode="json")
    if not suite.completed:
        text = str(suite_stop(suite)) if suite.status is not SuiteStatus.ERROR else suite.error
        run["invocations"] = [
            {
                "executionSuccessful": False,
                "toolExecutionNotifications": [{"message": {"text": text or suite.status.value}}],
            }
        ]
    return run


def build_sarif(run: RunResult) -> dict[str, Any]:
    """The SARIF log of ``run``: a run per suite that has findings or is of kind security."""
    runs = [sarif_run(s) for s in run.suites if s.findings or (s.kind == "security" and s.status.value != "skipped")]
    if not runs:  # a valid, empty log tells CI "scanned nothing" rather than failing to find the file
        runs = [
            {"tool": {"driver": {"name": "acceptance-harness", "version": __version__, "rules": []}}, "results": []}
        ]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": runs}


class SarifExporter:
    name: ClassVar[str] = "sarif"
    needs_manifest: ClassVar[bool] = False

    def export(self, run: RunResult, rundir: RunDirectory) -> list[Path]:
        path = rundir.path / SARIF_FILE
        write_atomic(path, (json.dumps(build_sarif(run), indent=2, ensure_ascii=False) + "\n").encode())
        return [path]
