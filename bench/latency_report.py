"""Printing the figures next to their targets. A missed target is reported, never raised."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess

from measured_runs import WARMUP_REQUESTS
from run_results import RunResult, Series, percentile
from servers_under_test import SERVER_THREADS
from slack_workspace import ORIGIN_CHANNEL, QUEUE_CHANNEL
from standin_process import StandIn

P99_RATIO_TARGET = 1.5
BURST_ACK_TARGET_MS = 1000.0
THROUGHPUT_TARGET = 200.0


def print_setup(args: argparse.Namespace, standin: StandIn, bot: subprocess.Popen, bare: subprocess.Popen) -> None:
    pace = f"{args.rate:g} a second" if args.rate else f"{args.concurrency} in flight"
    print(f"{args.rounds} rounds; each sends {args.requests} signed `/esc new` commands, {pace}, "
          f"to the bot and then to the bare app, each run after {WARMUP_REQUESTS} warm-up commands; "
          f"then a burst of {args.burst}, {args.concurrency} in flight, to each; {os.cpu_count()} CPUs")
    print(f"  load generator  pid {os.getpid()}: one thread, {args.concurrency} keep-alive connections")
    print(f"  Slack stand-in  pid {standin.pid}: {standin.where}")
    print(f"  supportbot      pid {bot.pid}: `python -m bot run`, HTTP mode, its front waitress with {SERVER_THREADS} threads")
    print(f"  bare Bolt app   pid {bare.pid}: waitress with {SERVER_THREADS} threads, idle while the bot is measured")
    print()


def print_rounds(bot: Series, bare: Series) -> None:
    bot_p99s, bare_p99s = bot.p99_ack_ms(), bare.p99_ack_ms()
    ratios = [bot_p99 / bare_p99 for bot_p99, bare_p99 in zip(bot_p99s, bare_p99s)]
    print("round   bot p99 ack   bare p99 ack   ratio   bot escalations/s")
    for number, row in enumerate(zip(bot_p99s, bare_p99s, ratios, bot.runs), start=1):
        bot_p99, bare_p99, round_ratio, run = row
        print(f"{number:>5} {bot_p99:10.1f} ms {bare_p99:11.1f} ms {round_ratio:7.2f}× {run.escalations_per_second():12.1f}")
    ratio = statistics.median(ratios)
    print(f"median  bot p99 ack / bare p99 ack = {ratio:.2f}× (rounds {min(ratios):.2f}–{max(ratios):.2f}×)   "
          f"target: p99 ack ≤ {P99_RATIO_TARGET}× bare -> {verdict(ratio <= P99_RATIO_TARGET)}")
    print()


def print_bot(series: Series) -> None:
    result = series.pooled()
    print(f"supportbot, all rounds ({len(result.samples)} commands)")
    print(latency_line("ack", result.ack_ms()))
    print(latency_line("card posted", result.origin_card_ms()))
    print(latency_line("both cards", result.both_cards_ms()))
    print(f"  errors       {result.failed_escalations} of {len(result.samples)} "
          f"({result.failed_acks} acks failed, {result.missing_cards} missing a card in "
          f"#{ORIGIN_CHANNEL[1]} or #{QUEUE_CHANNEL[1]}, {result.problem_replies} problem replies)")
    print(cpu_line(result))
    for exception, count in result.server_exceptions.most_common(3):
        print(f"  bot log      {count}× {exception}")


def print_bare(series: Series) -> None:
    result = series.pooled()
    print(f"bare Bolt app (`/esc` only acks, in the request thread as the bot does), all rounds ({len(result.samples)} commands)")
    print(latency_line("ack", result.ack_ms()))
    print(f"  errors       {result.failed_acks} of {len(result.samples)} acks failed")
    print(cpu_line(result))


def print_burst(args: argparse.Namespace, bot: RunResult, bare: RunResult) -> None:
    slowest = max(bot.ack_ms(), default=0.0)
    print()
    print(f"burst: {args.burst} commands, {args.concurrency} in flight")
    print(latency_line("bot ack", bot.ack_ms()) + f"   max {slowest:8.1f} ms")
    print(latency_line("bare ack", bare.ack_ms()) + f"   max {max(bare.ack_ms(), default=0.0):8.1f} ms")
    print(latency_line("bot cards", bot.both_cards_ms()))
    rate = bot.escalations_per_second()
    print(f"  end to end   {rate:8.1f} escalations/s   "
          f"target: ≥ {THROUGHPUT_TARGET:.0f} escalations/s end to end -> {verdict(rate >= THROUGHPUT_TARGET)}")
    print(f"  errors       {bot.failed_escalations} of {len(bot.samples)} escalations   "
          f"target: no ack over {BURST_ACK_TARGET_MS:.0f} ms -> {verdict(slowest <= BURST_ACK_TARGET_MS and not bot.failed_acks)}")


def latency_line(label: str, values: list[float]) -> str:
    p50, p95, p99 = (percentile(values, fraction) for fraction in (0.50, 0.95, 0.99))
    return f"  {label:<12} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   p99 {p99:8.1f} ms"


def cpu_line(result: RunResult) -> str:
    return "  CPU use      " + ", ".join(f"{label} {cores:.2f}" for label, cores in result.cpu_cores.items())


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"
