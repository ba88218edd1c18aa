"""``harness zap rules`` without a ZAP to ask: the reason is printed in English, as the catalogue's en text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.results.messages import message


def test_zap_rules_without_zap_prints_the_english_reason(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "rules.tsv"
    result = run_cli("zap", "rules", "--output", str(out), env={"PATH": str(tmp_path), "ZAP_HOME": ""}, timeout=60)
    assert result.code == 3, result.stdout + result.stderr
    english = str(message("setup.zap.missing_cli"))
    assert english == "ZAP is not installed: give --api-url or put zap.sh on PATH / set $ZAP_HOME"
    assert english in " ".join(result.stderr.split())
    assert not out.exists()
