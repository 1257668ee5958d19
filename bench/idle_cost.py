"""What each idle instance costs a shared PostgreSQL: connections held and statements a second.

What it measures
    N instances of the real bot (`python -m bot run`, HTTP mode, different ports and working
    directories) on one scratch database of the server `--db` names, against the Slack stand-in,
    with nothing to do. After a warm-up it reads pg_stat_activity (connections to that database)
    and pg_stat_database's transaction counter over `--seconds`: what a platform team budgets per
    replica before any traffic. Baseline in the same run: the same figures with no instance.

Usage
    python bench/idle_cost.py --db postgresql://user:password@host:5432/postgres [--instances 2] [--seconds 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from scratch_database import scratch_database
from servers_under_test import start_bot
from standin_process import StandInProcess

from standin.bot_process import stop_process, wait_healthy

WARM_UP_S = 5.0


def _figures(server: str, name: str, seconds: float) -> tuple[int, float]:
    """(connections to the database, transactions a second over `seconds`), read from the server."""
    import psycopg
    with psycopg.connect(server, autocommit=True) as admin:
        def committed() -> int:
            admin.execute("SELECT pg_stat_clear_snapshot()")
            return admin.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
                                 [name]).fetchone()[0]

        before = committed()
        time.sleep(seconds)
        rate = (committed() - before) / seconds
        connections = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()[0]
    return connections, rate


def run(args: argparse.Namespace) -> int:
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="supportbot-bench-")))
        standin = StandInProcess(workdir / "standin.log")
        cleanup.callback(standin.close)
        url = cleanup.enter_context(scratch_database(args.db))
        name = url.rsplit("/", 1)[1]
        base_connections, base_rate = _figures(args.db, name, args.seconds)
        for n in range(args.instances):
            home = workdir / f"instance-{n}"
            home.mkdir()
            bot, port = start_bot(standin.api_url, standin.bot_token, home, url)
            cleanup.callback(stop_process, bot)
            wait_healthy(bot, port, home / "bot.log")
        time.sleep(WARM_UP_S)
        connections, rate = _figures(args.db, name, args.seconds)
    print(f"instances: {args.instances}, idle, measured over {args.seconds:g} s after a {WARM_UP_S:g} s warm-up")
    print(f"baseline (no instance): {base_connections} connections, {base_rate:.1f} transactions/s")
    print(f"all instances:          {connections} connections, {rate:.1f} transactions/s")
    print(f"per instance:           {(connections - base_connections) / args.instances:.1f} connections,"
          f" {(rate - base_rate) / args.instances:.1f} transactions/s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="URL",
                        help="a PostgreSQL server URL whose user may create databases")
    parser.add_argument("--instances", type=int, default=2, help="idle instances (default 2)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds measured (default 20)")
    args = parser.parse_args(argv)
    if args.instances < 1 or args.seconds <= 0:
        parser.error("--instances must be at least 1 and --seconds positive")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
