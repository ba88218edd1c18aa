"""``sarif.json`` — the run's security findings as SARIF 2.1.0, for CI code-scanning views.

One SARIF run per security suite (tool = the engine and its version), one rule per plugin id, and one
result per finding *instance* (each URL it was seen at). Levels: critical/high -> error, medium/low ->
warning, info -> note; a rule action of IGNORE -> none. The finding's fingerprint goes into
``partialFingerprints`` so platforms track it across runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from harness import __version__
from harness.results.model import Finding, Instance, Risk, RuleAction, RunResult, SuiteResult
from harness.results.rundir import RunDirectory, write_atomic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_FILE = "sarif.json"

_LEVEL = {Risk.CRITICAL: "error", Risk.HIGH: "error", Risk.MEDIUM: "warning", Risk.LOW: "warning", Risk.INFO: "note"}
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
        "defaultConfiguration": {"level": _LEVEL[finding.risk]},
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


def _result(finding: Finding, instance: Instance | None, rule_index: int) -> dict[str, Any]:
    level = "none" if finding.action is RuleAction.IGNORE else _LEVEL[finding.risk]
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
    if finding.action is RuleAction.IGNORE:
        result["suppressions"] = [{"kind": "external", "justification": "rule action IGNORE in the rule configuration"}]
    return result


def sarif_run(suite: SuiteResult) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for finding in suite.findings:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(rules)
            rules.append(_rule(finding))
        for instance in finding.instances or (None,):
            results.append(_result(finding, instance, index[finding.rule_id]))
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
    if not suite.completed:
        run["invocations"] = [
            {
                "executionSuccessful": False,
                "toolExecutionNotifications": [{"message": {"text": suite.error or suite.status.value}}],
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
