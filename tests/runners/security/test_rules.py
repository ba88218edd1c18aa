"""Rule configuration: zap-baseline's -c file and the profile mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.results.model import Finding, Instance, Risk, RuleAction
from harness.results.severity import FailOn, severity_actions
from harness.runners.security.options import SecurityOptions
from harness.runners.security.rules import from_mapping, generate_rules_file, parse_rules_file


def finding(rule_id: str, *urls: str) -> Finding:
    return Finding(
        rule_id=rule_id, name=f"rule {rule_id}", risk=Risk.LOW, instances=tuple(Instance(url=u) for u in urls)
    )


def test_baseline_file_actions_and_out_of_scope(tmp_path: Path) -> None:
    path = tmp_path / "rules.tsv"
    path.write_text(
        "# comment\n\n10020\tFAIL\t(X-Frame-Options Header Not Set)\n10021\tIGNORE\t(X-Content-Type-Options)\n"
        "10038\tINFO\t(CSP)\tour message\n10010,10054\tOUTOFSCOPE\t.*/static/.*\n*\tOUTOFSCOPE\t.*/logout$\n",
        encoding="utf-8",
    )
    config = parse_rules_file(path)
    assert config.action_for("10020") is RuleAction.FAIL
    assert config.action_for("10021") is RuleAction.IGNORE
    assert config.action_for("10038") is RuleAction.INFO
    # rules not listed follow the severity policy: critical and high FAIL, medium WARN, low and info INFO
    assert config.action_for("99999", Risk.CRITICAL) is RuleAction.FAIL
    assert config.action_for("99999", Risk.HIGH) is RuleAction.FAIL
    assert config.action_for("99999", Risk.MEDIUM) is RuleAction.WARN
    assert config.action_for("99999", Risk.LOW) is RuleAction.INFO
    assert config.action_for("10020", Risk.LOW) is RuleAction.FAIL  # a listed rule wins over its risk
    assert config.action_for("10038", Risk.HIGH) is RuleAction.INFO
    applied = config.apply(
        [
            finding("10010", "http://h/static/a.js", "http://h/page"),
            finding("10054", "http://h/static/b"),
            finding("1", "http://h/logout"),
        ]
    )
    assert [(f.rule_id, [i.url for i in f.instances]) for f in applied] == [("10010", ["http://h/page"])]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("10020 FAIL (space separated)", "expected"),
        ("10020\tBLOCK\t(x)", "unknown action"),
        ("10020\tOUTOFSCOPE", "URL regex"),
        ("1\tOUTOFSCOPE\t(unclosed", "invalid"),
    ],
)
def test_bad_lines_are_reported_with_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "rules.tsv"
    path.write_text(f"# ok\n10010\tWARN\t(fine)\n{line}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        parse_rules_file(path)
    assert f"{path}:3:" in str(raised.value) and message in str(raised.value)


def test_profile_mapping_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.tsv"
    path.write_text("10020\tFAIL\t(x)\n10021\tWARN\t(y)\n", encoding="utf-8")
    merged = parse_rules_file(path).merged(from_mapping({"10021": "fail", "10020": "IGNORE"}, {"*": [".*/health$"]}))
    assert merged.action_for("10020") is RuleAction.IGNORE and merged.action_for("10021") is RuleAction.FAIL
    assert merged.url_out_of_scope("anything", "http://h/health")
    with pytest.raises(ValueError, match="unknown action"):
        from_mapping({"1": "OUTOFSCOPE"}, {})


def test_generated_file_reads_back_with_every_rule_at_the_action(tmp_path: Path) -> None:
    text = generate_rules_file([("10020", "X-Frame-Options Header Not Set"), ("2", "Private IP Disclosure")])
    assert "2\tWARN\t(Private IP Disclosure)\n10020\tWARN\t(X-Frame-Options Header Not Set)\n" in text
    path = tmp_path / "gen.tsv"
    path.write_text(text, encoding="utf-8")
    assert dict(parse_rules_file(path).actions) == {"2": RuleAction.WARN, "10020": RuleAction.WARN}


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [
        ("critical", ["FAIL", "WARN", "WARN", "INFO", "INFO"]),
        ("high", ["FAIL", "FAIL", "WARN", "INFO", "INFO"]),
        ("medium", ["FAIL", "FAIL", "FAIL", "INFO", "INFO"]),
        ("low", ["FAIL", "FAIL", "FAIL", "FAIL", "INFO"]),
        ("never", ["WARN", "WARN", "WARN", "INFO", "INFO"]),
    ],
)
def test_fail_on_moves_the_threshold(fail_on: FailOn, expected: list[str]) -> None:
    config = from_mapping({"40012": "WARN"}, {}, severity_actions(fail_on))
    risks = [Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.INFO]
    findings = [Finding(rule_id=f"r{index}", name="x", risk=risk) for index, risk in enumerate(risks)]
    assert [f.action.value for f in config.apply(findings)] == expected
    assert config.apply([Finding(rule_id="40012", name="xss", risk=Risk.HIGH)])[0].action is RuleAction.WARN


def test_a_single_default_action_overrides_the_policy_for_every_unlisted_rule() -> None:
    config = from_mapping({}, {}, RuleAction.WARN)  # the zap-baseline way: default_action: WARN
    assert config.action_for("x", Risk.CRITICAL) is RuleAction.WARN


def test_options_take_fail_on_or_default_action_not_both() -> None:
    assert SecurityOptions().unlisted_actions == severity_actions("high")
    assert SecurityOptions(fail_on="medium").unlisted_actions[Risk.MEDIUM] is RuleAction.FAIL
    assert SecurityOptions(default_action=RuleAction.WARN).unlisted_actions is RuleAction.WARN
    with pytest.raises(ValueError, match="not both"):
        SecurityOptions(fail_on="low", default_action=RuleAction.WARN)
    with pytest.raises(ValueError):
        SecurityOptions.model_validate({"fail_on": "severe"})
