"""Rule configuration: zap-baseline's -c file and the profile mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ProfileError
from harness.results.model import Finding, Instance, Risk, RuleAction
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
    assert config.action_for("99999") is RuleAction.WARN  # default, as zap-baseline
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
