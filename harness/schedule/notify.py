"""Tell someone about a scheduled run that needs attention: a command gets the summary JSON on stdin,
a webhook gets it as a POST. "Needs attention" (``notify.when: problems``, the default) means the
verdict is not PASS, or the run has new high or critical findings since its baseline.

The webhook host must be in ``notify.scope`` (default: the profile's ``target.scope``); messages name
only the webhook's host, never its full URL (which often carries a token).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import requests

from harness.errors import ScopeError
from harness.processes import ChildProcess
from harness.profile.environment import process_environment
from harness.profile.schedule import NotifySpec
from harness.profile.scope import Scope

_SERIOUS = ("critical", "high")


def new_serious_findings(summary: Mapping[str, object]) -> int:
    comparison = summary.get("comparison")
    if not isinstance(comparison, dict):
        return 0
    new = comparison.get("new_findings")
    if not isinstance(new, dict):
        return 0
    return sum(int(new.get(risk, 0)) for risk in _SERIOUS)


def needs_attention(summary: Mapping[str, object]) -> bool:
    return summary.get("verdict") != "PASS" or new_serious_findings(summary) > 0


def notify(summary: Mapping[str, object], spec: NotifySpec, scope: list[str], cwd: Path) -> list[str]:
    """Send ``summary`` where ``spec`` says (if it needs attention or ``when: always``).

    Returns one line per notification sent or failed; never raises.
    """
    if spec.when == "problems" and not needs_attention(summary):
        return []
    body = json.dumps(summary, ensure_ascii=False, indent=2).encode()
    results = []
    if spec.command:
        results.append(_command(spec.command, body, summary, spec.timeout, cwd))
    if spec.webhook:
        results.append(_webhook(spec.webhook, body, Scope(scope), spec.timeout))
    return results


def _command(argv: list[str], body: bytes, summary: Mapping[str, object], timeout: float, cwd: Path) -> str:
    name = Path(argv[0]).name
    environ = {
        **process_environment(),
        "HARNESS_VERDICT": str(summary.get("verdict") or ""),
        "HARNESS_RUN_ID": str(summary.get("run_id") or ""),
        "HARNESS_RUN_DIR": str(summary.get("run_dir") or ""),
    }
    with tempfile.TemporaryFile() as stdin:
        stdin.write(body)
        stdin.seek(0)
        try:
            child = ChildProcess(argv, cwd=cwd, env=environ, stdin=stdin)
        except OSError as exc:
            return f"notify command {name} could not start: {exc.strerror or exc}"
        code = child.wait(timeout=timeout)
        if code is None:
            child.stop(grace=2.0)
            return f"notify command {name} did not finish within {timeout:g} s and was stopped"
    return f"notified command {name}" if code == 0 else f"notify command {name} failed with exit code {code}"


def _webhook(url: str, body: bytes, scope: Scope, timeout: float) -> str:
    parts = urlsplit(url)
    where = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
    try:
        scope.check_url(url)
        response = requests.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=timeout, allow_redirects=False
        )
    except ScopeError as exc:
        return f"webhook not called: {exc}"
    except requests.RequestException as exc:
        return f"webhook {where} failed: {type(exc).__name__}"
    if response.status_code >= 400:
        return f"webhook {where} answered HTTP {response.status_code}"
    return f"notified webhook {where} (HTTP {response.status_code})"
