# mypy: ignore-errors
"""Started by the harness with wapiti's own Python instead of the ``wapiti`` script (never imported by it).

It does two things wapiti's command line cannot:

- **secrets stay off the command line**: arguments that carry a secret (``-H "X-Api-Key: ..."``) are read
  from the file named by ``HARNESS_WAPITI_ARGS`` (JSON list, mode 0600, in the harness's private
  temporary directory) and the file is deleted at once, so ``/proc/<pid>/cmdline`` and ``ps`` never
  show them;
- **one budget for the whole scan**: wapiti bounds the crawl (``--max-scan-time``) and each module
  separately (``--max-attack-time``). With ``HARNESS_WAPITI_DEADLINE`` (seconds from start) each module
  gets the time that is left of the suite's budget instead of a fixed share, and once it is spent the
  remaining modules are not started and the report is written with what was found. The log says so:
  ``harness: max_minutes budget spent before module <name>``.

Runs with whatever Python wapiti is installed in (3.2.x: ``Wapiti.run_attack_module``); if that method is
missing the budget falls back to wapiti's own per-module limit, which the harness still passes.
"""

import json
import os
import sys
import time


def _extra_args() -> list:
    path = os.environ.pop("HARNESS_WAPITI_ARGS", "")
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as handle:
            args = json.load(handle)
    finally:
        os.unlink(path)
    return [str(arg) for arg in args]


def _install_budget(deadline: float) -> None:
    from wapitiCore.controller import wapiti as controller

    original = getattr(controller.Wapiti, "run_attack_module", None)
    choice = getattr(controller, "UserChoice", None)
    if original is None or choice is None:
        return

    async def run_attack_module(self, attack_module):  # type: ignore[no-untyped-def]
        left = deadline - time.monotonic()
        if left <= 0:
            self._user_choice = choice.REPORT  # the loop stops after this module and writes the report
            # wapiti logs through loguru to stdout; a plain print lands in the same log, in order
            print(
                f"harness: max_minutes budget spent before module {attack_module.name}; the rest is not run", flush=True
            )
            return None
        self._max_attack_time = left
        return await original(self, attack_module)

    controller.Wapiti.run_attack_module = run_attack_module


def main() -> None:
    started = time.monotonic()
    sys.argv = ["wapiti", *sys.argv[1:], *_extra_args()]
    budget = os.environ.pop("HARNESS_WAPITI_DEADLINE", "")
    if budget:
        _install_budget(started + float(budget))
    from wapitiCore.main.wapiti import wapiti_asyncio_wrapper

    sys.exit(wapiti_asyncio_wrapper())


if __name__ == "__main__":
    main()
