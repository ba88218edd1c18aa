"""``harness zap rules``: write a default rule configuration file, as ``zap-baseline.py -g`` does."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cancel import CancelToken
from harness.cli.main import ExitCode, HarnessCommand, app, fail, stderr, stdout
from harness.errors import HarnessError, RunnerSetupError
from harness.profile.environment import process_environment
from harness.results.messages import message
from harness.results.model import RuleAction
from harness.runners.security.rules import generate_rules_file
from harness.runners.security.zap_api import ZapApi, ZapError, ZapUnavailable
from harness.runners.security.zap_daemon import find_zap, started_zap

zap_app = typer.Typer(help="OWASP ZAP helpers.", no_args_is_help=True)
app.add_typer(zap_app, name="zap")


def _scanners(api: ZapApi, full: bool) -> list[tuple[str, str]]:
    found: list[Any] = list(api.call("pscan/view/scanners", lambda: api.client.pscan.scanners))
    if full:
        found += list(api.call("ascan/view/scanners", lambda: api.client.ascan.scanners()))
    return [(str(s.get("id", "")), str(s.get("name", ""))) for s in found if isinstance(s, dict) and s.get("id")]


@zap_app.command("rules", cls=HarnessCommand)
def rules(
    out: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="The rule file to write (zap-baseline -c format).")
    ],
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", metavar="URL", help="A running ZAP daemon (default: start an installed ZAP)."),
    ] = None,
    api_key_env: Annotated[
        str, typer.Option("--api-key-env", metavar="VAR", help="Environment variable with the daemon's API key.")
    ] = "ZAP_API_KEY",
    full: Annotated[bool, typer.Option("--full", help="Also list the active-scan rules (full / api scans).")] = False,
    action: Annotated[
        str,
        typer.Option("--action", metavar="ACTION", help="Action written for every rule: WARN, FAIL, INFO or IGNORE."),
    ] = "WARN",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Ask ZAP for its scan rules and write a rule file with every rule set to ACTION (like -g)."""
    if action.upper() not in ("WARN", "FAIL", "INFO", "IGNORE"):
        fail(HarnessError(f"--action must be WARN, FAIL, INFO or IGNORE, not {action!r}"))
    if out.exists() and not force:
        fail(HarnessError(f"{out} exists: use --force to overwrite it"))
    environ = process_environment()
    try:
        with ExitStack() as stack:
            if api_url:
                api = ZapApi(api_url, environ.get(api_key_env, ""))
            else:
                command = find_zap(None, environ)
                if command is None:
                    raise RunnerSetupError(message("setup.zap.missing_cli"))
                log = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="harness-zap-"))) / "zap.log"
                daemon = stack.enter_context(
                    started_zap(command, log, startup_timeout=180, cancel=CancelToken(), environ=environ)
                )
                api = ZapApi(daemon.api_url, daemon.api_key)
            found = _scanners(api, full)
    except (ZapError, ZapUnavailable, HarnessError) as exc:
        fail(HarnessError(str(exc)), ExitCode.INCOMPLETE)
    out.write_text(generate_rules_file(found, RuleAction(action.upper())), encoding="utf-8")
    stdout.print(f"wrote {len(found)} rules to {out}")
    stderr.print("edit the actions (IGNORE, INFO, WARN, FAIL) and point the suite's rules_file at it")
