"""One server under load: a warm-up, then the measured run, with the CPU each process used during it."""

from __future__ import annotations

import os
import subprocess

from cpu_usage import CpuMeter
from escalation_outcomes import attach_cards, attach_problem_replies
from load_generator import Connection, open_connections, send_all
from paced_load import send_paced
from run_results import RunResult, Sample
from signed_commands import esc_new_commands
from standin_process import StandIn

WARMUP_REQUESTS = 50


def measure(port: int, standin: StandIn, label: str, processes: dict[str, int], *, requests: int,
            concurrency: int, follow_escalations: bool, rate: float | None = None) -> RunResult:
    """Warm up with WARMUP_REQUESTS commands and discard them, then send `requests` commands,
    `rate` a second (a steady trickle) or, without it, as fast as `concurrency` connections go.

    With `follow_escalations`, a run lasts until every escalation's cards are posted (that is the
    span the CPU figures cover), then the response_urls are checked once the bot has gone quiet."""
    connections = open_connections(port, concurrency)
    try:
        run_load(connections, standin, f"{label}-warmup", WARMUP_REQUESTS, follow_escalations)
        standin.wait_idle()  # let the warm-up's last work drain
        meter = CpuMeter(processes)
        samples = run_load(connections, standin, label, requests, follow_escalations, rate)
        cpu_cores = meter.cores()
    finally:
        for connection in connections:
            connection.close()
    if follow_escalations:
        attach_problem_replies(standin, samples)
    return RunResult(samples, cpu_cores)


def run_load(connections: list[Connection], standin: StandIn, label: str, count: int, follow_escalations: bool,
             rate: float | None = None) -> list[Sample]:
    commands = esc_new_commands(label, standin.response_urls(count))  # built and signed before the clock starts
    samples = send_paced(connections, commands, rate) if rate else send_all(connections, commands)
    if follow_escalations:
        attach_cards(standin, label, samples)
    return samples


def processes_under_load(standin: StandIn, server_label: str, server: subprocess.Popen) -> dict[str, int]:
    """The pids whose CPU use is reported, by label."""
    if standin.pid == os.getpid():
        return {server_label: server.pid, "load generator + stand-in": os.getpid()}
    return {server_label: server.pid, "stand-in": standin.pid, "load generator": os.getpid()}
