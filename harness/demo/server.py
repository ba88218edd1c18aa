"""Serve the demo target with uvicorn on a socket the harness already bound (no port race)."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import uvicorn

from harness.demo.app import create_app
from harness.demo.weaknesses import WEAKNESSES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.demo", description=__doc__)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--fd", type=int, help="listening socket inherited from the parent")
    where.add_argument("--port", type=int, help="bind 127.0.0.1:PORT (for running the demo by hand)")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file (created if missing)")
    parser.add_argument(
        "--weaknesses", default=",".join(WEAKNESSES), help="comma-separated deliberate flaws ('' for none)"
    )
    parser.add_argument(
        "--version", choices=("old", "new"), default="new", help="release to serve ('old': the predecessor)"
    )
    parser.add_argument(
        "--metrics", action="store_true", help="count and time requests, serve them at /metrics (Prometheus)"
    )
    parser.add_argument(
        "--added-latency-ms",
        type=float,
        default=0.0,
        help="wait this long before answering each API request (a slower release; /health and /version stay fast)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.added_latency_ms <= 10_000:
        parser.error("--added-latency-ms must be between 0 and 10000")
    weaknesses = frozenset(w for w in args.weaknesses.split(",") if w)
    unknown = weaknesses - set(WEAKNESSES)
    if unknown:
        parser.error(f"unknown weaknesses: {', '.join(sorted(unknown))}")
    app = create_app(
        args.db, weaknesses, args.version, metrics=args.metrics, added_latency=args.added_latency_ms / 1000
    )
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header="server-banner" in weaknesses,
        date_header=True,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", args.port))
        sock.listen(1024)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
