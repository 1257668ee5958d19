"""How fast supportbot acknowledges `/esc new` over HTTP, and how fast the escalation's cards follow.

What it measures
    The real bot (`python -m bot run`, HTTP mode; its front process, bot/front.py, serves
    waitress with 16 threads) runs against the local Slack stand-in, and beside it a bare Bolt
    app on the same kind of server (waitress, 16 threads) whose `/esc` listener only calls ack(): what Bolt and waitress
    alone cost on this machine. A load generator sends signed `/esc new <token>` slash commands on C
    keep-alive connections, and records for every command:

    ack          send -> the server's HTTP 200 (what Slack's 3-second window is about)
    card posted  send -> the stand-in receives the bot's chat.postMessage to #help whose text
                 carries the command's token (the escalation's first card)
    both cards   send -> the later of the escalation's two chat.postMessage calls, the card in
                 #help and the one in line 1's queue, #support-l1: the last step of raising it

    Two loads, as a team meets them. The rounds send N commands at a steady R a second (a busy
    team's day): each round loads the bot, waits until all its cards are posted, then loads the
    bare app; the p99 ack ratio is judged on them. Then one burst of B commands, C in flight at
    once (a whole team reacting to an outage), to each server: no ack of the bot's may take
    over a second. A shared machine's speed drifts from one second to the next, and a p99
    over a one-second burst moves with it; alternating the two servers lets both meet the same
    drift, and the median over rounds is not swayed by one unlucky round.

How to read it
    Latencies are p50/p95/p99 in milliseconds over the measured commands of all rounds; each
    measured run follows a warm-up whose samples are discarded. The table gives each round's p99
    acks and their ratio; the target is judged on the median of those ratios. "escalations/s" is
    N / (the last escalation's second card - first send), per round. An escalation went through
    when its command was acknowledged, both its cards were posted and nothing was posted to its
    response_url: the bot answers there only when something went wrong (Slack refused a card, or
    raising failed after the ack), so any such post is a "problem reply". "errors" counts the
    commands for which any of that failed. "CPU use" is CPU time over wall time during a measured
    run (for the bot, until its last card), in cores, averaged over the rounds: near 1.0 means a
    process is bound by its GIL; "other processes" is whatever else the machine ran meanwhile
    (noise, if it is large). All of them together cannot exceed the machine's CPU count.

    The targets are printed next to the figures; a missed target does not change the exit
    status. The script exits non-zero only if a server failed to start or commands errored.

Usage
    python bench/ack_latency.py [--rounds 5] [--requests 500] [--rate 50] [--burst 1000] [--concurrency 50]
                                [--standin process|inline]

    --rate 0 sends the rounds as a burst too (`--concurrency` in flight) instead of at a steady rate.

    --standin process (the default) runs the stand-in in a child process; `inline` runs it in
    the load generator's process.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bare_app import start_bare_app
from latency_report import print_bare, print_bot, print_burst, print_rounds, print_setup
from measured_runs import measure, processes_under_load
from run_results import Series
from scratch_database import add_db_argument, on_each_engine, scratch_database
from servers_under_test import logged_exceptions, start_bot

from standin.bot_process import free_port, stop_process, wait_healthy
from standin_process import InlineStandIn, StandInProcess


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured runs of each server, alternating (default 5)")
    parser.add_argument("--requests", type=int, default=500, help="measured commands per round (default 500)")
    parser.add_argument("--rate", type=float, default=50.0, help="commands a second in the rounds (default 50; 0: a burst)")
    parser.add_argument("--burst", type=int, default=1000, help="commands in the burst after the rounds (default 1000)")
    parser.add_argument("--concurrency", type=int, default=50, help="connections, and commands in flight in a burst (default 50)")
    add_db_argument(parser)
    parser.add_argument("--standin", choices=("process", "inline"), default="process",
                        help="where the Slack stand-in runs (default: its own process)")
    args = parser.parse_args(argv)
    if min(args.rounds, args.requests, args.burst, args.concurrency) < 1 or args.rate < 0:
        parser.error("--rounds, --requests, --burst and --concurrency must be at least 1, --rate at least 0")
    return args


def benchmark(args: argparse.Namespace) -> int:
    return on_each_engine(args.db, lambda server: _benchmark(args, server))


def _benchmark(args: argparse.Namespace, server: str | None) -> int:
    load = {"requests": args.requests, "concurrency": args.concurrency, "rate": args.rate or None}
    burst = {"requests": args.burst, "concurrency": args.concurrency}
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="supportbot-bench-")))
        standin = InlineStandIn() if args.standin == "inline" else StandInProcess(workdir / "standin.log")
        cleanup.callback(standin.close)

        database = cleanup.enter_context(scratch_database(server)) if server else None
        bot, bot_port = start_bot(standin.api_url, standin.bot_token, workdir, database)
        cleanup.callback(stop_process, bot)
        bare_port = free_port()
        bare = start_bare_app(standin.api_url, standin.bot_token, workdir, bare_port)
        cleanup.callback(stop_process, bare)
        wait_healthy(bot, bot_port, workdir / "bot.log")
        wait_healthy(bare, bare_port, workdir / "bare.log")

        bot_series, bare_series = Series(), Series()
        for round_number in range(1, args.rounds + 1):  # each server idles while the other is measured
            bot_series.runs.append(measure(bot_port, standin, f"bot{round_number}",
                                           processes_under_load(standin, "supportbot", bot),
                                           **load, follow_escalations=True))
            bare_series.runs.append(measure(bare_port, standin, f"bare{round_number}",
                                            processes_under_load(standin, "bare app", bare),
                                            **load, follow_escalations=False))
        bot_burst = measure(bot_port, standin, "bot-burst", processes_under_load(standin, "supportbot", bot),
                            **burst, follow_escalations=True)
        bare_burst = measure(bare_port, standin, "bare-burst", processes_under_load(standin, "bare app", bare),
                             **burst, follow_escalations=False)
        stop_process(bot)
        bot_series.server_exceptions = logged_exceptions(workdir / "bot.log")

        print_setup(args, standin, bot, bare)
        print_rounds(bot_series, bare_series)
        print_bot(bot_series)
        print_bare(bare_series)
        print_burst(args, bot_burst, bare_burst)
        bot_result, bare_result = bot_series.pooled(), bare_series.pooled()
        failed = bot_result.failed_escalations + bot_burst.failed_escalations + bare_result.failed_acks + bare_burst.failed_acks
        return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up on `kill` as on Ctrl-C
    try:
        return benchmark(args)
    except RuntimeError as error:
        print(f"ack_latency: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ack_latency: interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
