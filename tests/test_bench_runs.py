"""The benchmarks are scripts people run by hand; this keeps them runnable. Their figures are not judged here.
Against a PostgreSQL server (SUPPORTBOT_TEST_DB), each also measures the bot there (`--db`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases import TEST_SERVER

REPO = Path(__file__).resolve().parent.parent
ON_SERVER = ["--db", TEST_SERVER] if TEST_SERVER else []
ENGINES = ["=== the bot on SQLite ===", "=== the bot on PostgreSQL ==="] if TEST_SERVER else []


def test_ack_latency_benchmark_runs_a_small_load_and_reports_every_figure():
    result = subprocess.run(
        [sys.executable, "bench/ack_latency.py", "--rounds", "2", "--requests", "30", "--rate", "50", "--burst", "40",
         "--concurrency", "5", *ON_SERVER],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert all(heading in out for heading in ENGINES)
    assert out.count("median  bot p99 ack / bare p99 ack") == max(1, len(ENGINES))
    assert "errors       0 of 60 (0 acks failed, 0 missing a card" in out
    assert "escalations/s   target" in out and "errors       0 of 60 acks failed" in out
    assert out.count("burst: 40 commands, 5 in flight") == max(1, len(ENGINES))
    assert "errors       0 of 40 escalations   target: no ack over 1000 ms" in out


def test_throughput_benchmark_runs_a_small_load_and_reports_every_figure():
    result = subprocess.run([sys.executable, "bench/throughput.py", "--seconds", "0.5", "--flat-out", "40", "--rounds", "2",
                             *ON_SERVER], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(heading in result.stdout for heading in ENGINES)
    for row in ("5/s", "50/s", "200/s", "flat out 1", "flat out 2", "ceiling: a bare slack_sdk client", "median",
                "write lock, flat out 2, instance 1: held "):
        assert row in result.stdout, row


def test_broadcast_fanout_benchmark_runs_and_reports_losses_and_doubles():
    result = subprocess.run([sys.executable, "bench/broadcast_fanout.py", "--channels", "4"],
                            cwd=REPO, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    for row in ("baseline: one chat.postMessage", "no faults", "of posts answered 429", "nothing lost or doubled"):
        assert row in result.stdout, row


def test_history_scale_benchmark_runs_a_tiny_history_for_both_backlogs_and_reports_every_figure():
    result = subprocess.run([sys.executable, "bench/history_scale.py", "--escalations", "2000", "--csat", "400",
                             "--runs", "2", *ON_SERVER], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    usual, _, behind = result.stdout.partition("=== 30.0% of the year never resolved ===")
    assert "=== 0.2% of the year never resolved ===" in usual and behind
    for table in (usual, behind):
        for row in ("generated in", "open escalations: ", "baseline: SELECT count(*)", "daily digest for yesterday",
                    "shift summary", "/esc list open", "App Home of a lead", "App Home of an agent", "bot peak RSS (VmHWM)", "the bot answered: "):
            assert row in table, row
    assert "× usual" in behind and "× usual" not in usual
    assert result.stdout.count("copied to PostgreSQL in") == (2 if TEST_SERVER else 0)


@pytest.mark.needs_postgres
def test_idle_cost_benchmark_counts_each_instances_connections_and_transactions():
    result = subprocess.run([sys.executable, "bench/idle_cost.py", "--db", TEST_SERVER, "--instances", "2", "--seconds", "2"],
                            cwd=REPO, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    for row in ("baseline (no instance):", "all instances:", "per instance:"):
        assert row in result.stdout, row


@pytest.mark.needs_postgres
def test_throughput_with_the_server_on_a_cpu_of_its_own_says_so_and_gives_the_server_its_cpus_back():
    postmaster = _postmaster_of(TEST_SERVER)
    before, cpus = os.sched_getaffinity(postmaster), sorted(os.sched_getaffinity(0))
    result = subprocess.run([sys.executable, "bench/throughput.py", "--seconds", "0.5", "--flat-out", "20", "--rounds", "1",
                             "--db", TEST_SERVER, "--server-cpus", "1"], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    bench_cpus = ", ".join(map(str, cpus[:-1]))
    assert f"CPUs: the PostgreSQL server on CPU {cpus[-1]}, the bench and the bot on CPU {bench_cpus}" in result.stdout
    assert "=== the bot on PostgreSQL ===" in result.stdout and "flat out 1" in result.stdout
    assert os.sched_getaffinity(postmaster) == before


def _postmaster_of(server_url: str) -> int:
    import psycopg
    with psycopg.connect(server_url, autocommit=True) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        return int(Path(f"/proc/{backend}/stat").read_text().rpartition(")")[2].split()[1])
