"""Run the double as a daemon process: ``python -m tests.zapdouble -port 8090 -config api.key=KEY``.

Accepts the ZAP command-line options the harness passes when it starts ZAP (``-daemon -host -port
-config k=v``), so ``zap.sh`` in this folder can stand in for an installed ZAP. The behaviour can be
tuned with ``-config double.<field>=<value>`` (e.g. ``double.die_after_ascan_polls=2``);
``-config double.generation=current`` emulates a current ZAP instead of 2.9.0.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading

from tests.zapdouble.server import Behaviour, ZapDouble


def main(argv: list[str]) -> None:
    port = 8080
    config: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        if arg == "-port":
            port = int(next(args))
        elif arg == "-config":
            key, _, value = next(args).partition("=")
            config[key] = value
        elif arg == "-configfile":  # key=value lines, as ZAP reads them
            with open(next(args), encoding="utf-8") as handle:
                for line in handle:
                    key, _, value = line.strip().partition("=")
                    if key and not key.startswith("#"):
                        config[key] = value
        elif arg == "-host":
            next(args)
    behaviour = Behaviour.current() if config.get("double.generation") == "current" else Behaviour.legacy()
    for field in dataclasses.fields(Behaviour):
        raw = config.get(f"double.{field.name}")
        if raw is not None:
            current = getattr(behaviour, field.name)
            value: object = raw.lower() == "true" if isinstance(current, bool) else int(raw) if raw.isdigit() else raw
            setattr(behaviour, field.name, value)
    double = ZapDouble(api_key=config.get("api.key", ""), behaviour=behaviour, port=port)
    print(f"ZAP {behaviour.version} double listening on {double.api_url}", flush=True)
    print("command line: " + " ".join(argv), flush=True)  # what any local user could read in ps
    double.start()

    def watch() -> None:
        while not double.shutdown_requested.wait(0.1) and not double.dead:
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
