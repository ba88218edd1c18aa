"""Nessus (.nessus v2) and ZAP traditional report (-J / -x) importers: through ``kind: import`` suites."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.errors import ImportFormatError
from harness.results.importers.nessus import iter_nessus
from harness.results.importers.zap import ZapJsonImporter, ZapXmlImporter
from tests.zapdouble import ZapDouble

DATA = Path(__file__).resolve().parents[2] / "data" / "security"


def test_nessus_severity_maps_to_risk_per_host_port_and_plugin() -> None:
    findings = {f.rule_id: f for f in iter_nessus(DATA / "scan.nessus")}
    assert {k: f.risk.value for k, f in findings.items()} == {
        "19506": "info", "51192": "medium", "156032": "critical", "70658": "low", "99999": "high",
    }  # fmt: skip
    log4shell = findings["156032"]
    assert log4shell.cwe == 502 and "CVE-2021-44228" in log4shell.references
    assert log4shell.instances[0].url == "127.0.0.1:8443/tcp (www)"
    assert findings["99999"].instances[0].url.startswith("localhost:5432/tcp")
    assert len({f.fingerprint for f in findings.values()}) == 5


@pytest.mark.parametrize(
    ("name", "message"),
    [("bomb.nessus", "DTDs and entity declarations are refused"), ("truncated.nessus", "malformed XML")],
)
def test_bad_nessus_files_are_clear_errors(name: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message) as raised:
        list(iter_nessus(DATA / name))
    assert str(raised.value).startswith(f"{DATA / name}:")


def test_zap_json_of_2_7_with_single_objects_and_xml_of_2_9() -> None:
    old = ZapJsonImporter().read([DATA / "zap-2.7-single.json"], "zap", "security")
    assert old.tool is not None and old.tool.version == "2.7.0"
    (finding,) = old.findings
    assert finding.rule_id == "10021" and finding.risk.value == "low" and finding.confidence == "Medium"
    assert finding.instances[0].url.endswith("/api/applications/17") and "nosniff" in finding.description
    xml = ZapXmlImporter().read([DATA / "zap-2.9.xml"], "zap", "security")
    assert {f.rule_id for f in xml.findings} == {"10098", "30002"}
    assert xml.metrics["alerts.medium"] == 3  # CORS at two paths, the format string error at one
    assert "<p>" not in xml.findings[0].description


def test_zap_json_report_of_the_double_round_trips(tmp_path: Path) -> None:
    double = ZapDouble()
    for alert in double.state.passive:
        double._release(alert)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(double.traditional_report()))
    double.stop()
    result = ZapJsonImporter().read([path], "zap", "security")
    assert sum(len(f.instances) for f in result.findings) > 100
    assert result.tool is not None and result.tool.version == "2.9.0"


def test_import_suites_keep_other_suites_when_one_file_is_malformed(
    write_profile: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    for name in ("scan.nessus", "bomb.nessus", "zap-2.9.xml", "zap-2.7-single.json"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "broken.json").write_text('{"site": [ {"alerts": ')
    profile = write_profile(
        """
        project: {name: imports}
        target: {base_url: "http://127.0.0.1:9", scope: [127.0.0.1]}
        suites:
          - {name: nessus, kind: import, options: {format: nessus, paths: [scan.nessus]}, criteria: ["alerts.critical == 0"]}
          - {name: bomb, kind: import, options: {format: nessus, paths: [bomb.nessus]}}
          - {name: zap-xml, kind: import, options: {format: zap-xml, paths: [zap-2.9.xml]}}
          - {name: zap-json, kind: import, options: {format: zap-json, paths: [zap-2.7-single.json]}}
          - {name: broken, kind: import, options: {format: zap-json, paths: [broken.json]}}
        report: {language: en}
        """
    )
    result = run_cli("run", str(profile), "--json", "--out", str(tmp_path / "runs"))
    # alerts.critical == 0 failed on a completed import: final, so FAIL although two suites could not be read
    assert result.code == 1
    assert sum("could not run" in reason for reason in result.json()["verdict_reasons"]) == 2
    run = json.loads((Path(str(result.json()["run_dir"])) / "run.json").read_text())
    suites = {s["name"]: s for s in run["suites"]}
    assert suites["bomb"]["status"] == "error" and "bomb.nessus:2: DTDs" in suites["bomb"]["error"]
    assert suites["broken"]["status"] == "error" and "broken.json:1: malformed JSON" in suites["broken"]["error"]
    assert suites["nessus"]["metrics"]["alerts.critical"] == 1 and suites["nessus"]["kind"] == "security"
    assert len(suites["zap-xml"]["findings"]) == 3 and len(suites["zap-json"]["findings"]) == 1
    assert any(c["expression"] == "alerts.critical == 0" and c["outcome"] == "failed" for c in run["criteria"])


@pytest.mark.parametrize("name", ["zap-2.16-false-positives.json", "zap-2.16-false-positives.xml"])
def test_zap_false_positives_are_listed_not_counted_and_duplicates_keep_their_raw_count(name: str) -> None:
    importer = ZapJsonImporter() if name.endswith(".json") else ZapXmlImporter()
    result = importer.read([DATA / name], "zap", "security")
    counted = {f.rule_id: f for f in result.findings}
    marked = {f.rule_id for f in result.false_positives}
    assert "10202" in marked and "10202" not in counted  # count 0, no instances, confidence 0
    assert all(f.action.value == "IGNORE" for f in result.false_positives)
    assert result.metrics["alerts.medium"] == 0  # the false-positive medium alerts count nowhere
    assert any("marked false positive" in n for n in result.notes)
    xss = [f for f in result.findings if f.rule_id == "40012" and f.instances[0].param == "status"]
    assert len(xss) == 1 and len(xss[0].instances) == 1 and xss[0].occurrences == 3  # kept once, raw count kept
    for finding in (*result.findings, *result.false_positives):
        assert all(i.url != "http://127.0.0.1:18080" for i in finding.instances)  # never invented at the site URL
    if name.endswith(".json"):
        assert "10038" in marked  # confidence 0 with an instance
        hsts = counted["10035"]
        assert hsts.instances == () and hsts.occurrences == 7  # listed without instances: none made up
        assert result.metrics["alerts.high"] == 2 and result.metrics["alerts.low"] == 1
        assert result.metrics["alerts.instances"] == 3 + 1 + 7
        assert any("identical instances are listed once" in n for n in result.notes)
