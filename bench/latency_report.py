"""Printing the figures next to their targets. A missed target is reported, never raised."""

from __future__ import annotations

import argparse
import os
import subprocess

from measured_runs import WARMUP_REQUESTS
from run_results import RunResult, percentile
from servers_under_test import SERVER_THREADS
from slack_workspace import ORIGIN_CHANNEL, QUEUE_CHANNEL
from standin_process import StandIn

P99_RATIO_TARGET = 1.5
THROUGHPUT_TARGET = 200.0


def print_setup(args: argparse.Namespace, standin: StandIn, bot: subprocess.Popen, bare: subprocess.Popen) -> None:
    print(f"{args.requests} signed `/esc new` commands, {args.concurrency} in flight, "
          f"each run after {WARMUP_REQUESTS} warm-up commands; {os.cpu_count()} CPUs")
    print(f"  load generator  pid {os.getpid()}: {args.concurrency} threads, one keep-alive connection each")
    print(f"  Slack stand-in  pid {standin.pid}: {standin.where}")
    print(f"  supportbot      pid {bot.pid}: `python -m bot run`, HTTP mode, waitress with {SERVER_THREADS} threads")
    print(f"  bare Bolt app   pid {bare.pid}: waitress with {SERVER_THREADS} threads, started once the bot had stopped")
    print()


def print_bot(result: RunResult) -> None:
    rate = result.escalations_per_second()
    print("supportbot")
    print(latency_line("ack", result.ack_ms()))
    print(latency_line("card posted", result.origin_card_ms()))
    print(latency_line("both cards", result.both_cards_ms()))
    print(f"  errors       {result.failed_escalations} of {len(result.samples)} "
          f"({result.failed_acks} acks failed, {result.missing_cards} missing a card in "
          f"#{ORIGIN_CHANNEL[1]} or #{QUEUE_CHANNEL[1]}, {result.problem_replies} problem replies)")
    print(f"  end to end   {rate:8.1f} escalations/s   "
          f"target: ≥ {THROUGHPUT_TARGET:.0f} escalations/s end to end -> {verdict(rate >= THROUGHPUT_TARGET)}")
    print(cpu_line(result))
    for exception, count in result.server_exceptions.most_common(3):
        print(f"  bot log      {count}× {exception}")


def print_bare(result: RunResult) -> None:
    print("bare Bolt app (`/esc` only acks, default Bolt settings)")
    print(latency_line("ack", result.ack_ms()))
    print(f"  errors       {result.failed_acks} of {len(result.samples)} acks failed")
    print(cpu_line(result))


def print_ratio(bot: RunResult, bare: RunResult) -> None:
    ratio = percentile(bot.ack_ms(), 0.99) / percentile(bare.ack_ms(), 0.99)
    print(f"bot p99 ack / bare p99 ack = {ratio:.2f}×   "
          f"target: p99 ack ≤ {P99_RATIO_TARGET}× bare -> {verdict(ratio <= P99_RATIO_TARGET)}")


def latency_line(label: str, values: list[float]) -> str:
    p50, p95, p99 = (percentile(values, fraction) for fraction in (0.50, 0.95, 0.99))
    return f"  {label:<12} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   p99 {p99:8.1f} ms"


def cpu_line(result: RunResult) -> str:
    return "  CPU use      " + ", ".join(f"{label} {cores:.2f}" for label, cores in result.cpu_cores.items())


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"
