"""The HTTP front (bot/front.py): a process of its own that acknowledges, beside the main process
that does the work; the two live and die together."""

import os
import signal
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from standin.bot_process import child_pids
from tests.flow import HELP, L1, cards_in, wait_until
from tests.harness import bot_env, run_cli, start_bot


def _front_pid(bot) -> int:
    (pid,) = child_pids(bot.process.pid)
    return pid


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def _scheduling(pid: int) -> set[tuple[int, int]]:
    """(niceness, scheduling policy) of each of the process's threads, from /proc's stat fields 19 and 41."""
    fields = [(task / "stat").read_text().rpartition(")")[2].split() for task in Path(f"/proc/{pid}/task").iterdir()]
    return {(int(stat[16]), int(stat[38])) for stat in fields}


def test_the_main_process_yields_the_cpu_to_the_front_in_each_of_its_threads(standin, tmp_path):
    bot = start_bot(standin, tmp_path)
    try:
        (front,) = _scheduling(_front_pid(bot))
        assert front[1] == os.SCHED_OTHER
        assert _scheduling(bot.process.pid) == {(min(front[0] + 3, 19), os.SCHED_BATCH)}
    finally:
        bot.stop()


def test_a_sigterm_the_kernel_hands_to_another_thread_still_stops_the_bot_gracefully(standin, tmp_path):
    bot = start_bot(standin, tmp_path)
    try:
        main_thread = bot.process.pid
        (worker, *_) = [int(task.name) for task in Path(f"/proc/{main_thread}/task").iterdir()
                        if int(task.name) != main_thread]
        os.kill(worker, signal.SIGTERM)  # kill(2) with a thread's id starts delivery at that thread
        assert bot.process.wait(timeout=8) == 0
        assert "stopping: finishing work already acknowledged" in bot.log()
    finally:
        bot.stop()


def test_acknowledged_while_the_main_process_is_paused_then_raised_once_it_resumes(standin, tmp_path):
    bot = start_bot(standin, tmp_path)
    try:
        os.kill(bot.process.pid, signal.SIGSTOP)
        try:
            sent = time.monotonic()
            response = bot.driver.command("new P2 Paused main process")
            assert response.status == 200 and time.monotonic() - sent < 3.0
            assert cards_in(standin, HELP) == []
        finally:
            os.kill(bot.process.pid, signal.SIGCONT)
        wait_until(lambda: len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1, timeout=15)
        assert "Paused main process" in cards_in(standin, HELP)[0]["text"]
    finally:
        bot.stop()


def test_metrics_readiness_and_health_pass_through_the_front_to_the_main_process(standin, tmp_path):
    bot = start_bot(standin, tmp_path)
    try:
        assert bot.driver.command("new P2 Counted through the front").status == 200
        wait_until(lambda: len(cards_in(standin, HELP)) == 1)
        base = bot.url.rsplit("/slack/events", 1)[0]
        with urllib.request.urlopen(f"{base}/readyz", timeout=5) as ready:
            assert (ready.status, ready.read()) == (200, b"ready")
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as scraped:
            text = scraped.read().decode()
        assert 'supportbot_requests_total{kind="command",outcome="acknowledged"} 1.0' in text
        assert "supportbot_ack_seconds_count 1.0" in text
    finally:
        bot.stop()


def test_a_killed_bot_takes_its_front_with_it(standin, tmp_path):
    bot = start_bot(standin, tmp_path)
    front = _front_pid(bot)
    bot.process.kill()
    bot.process.wait()
    wait_until(lambda: not _alive(front), timeout=5)
    with pytest.raises(OSError):
        bot.driver.command("new P2 Nobody home")


def test_a_front_that_dies_stops_the_bot_which_exits_1_and_says_why(standin, tmp_path):
    bot = start_bot(standin, tmp_path)
    try:
        os.kill(_front_pid(bot), signal.SIGKILL)
        assert bot.process.wait(timeout=15) == 1
        assert "the HTTP front exited with -9: stopping" in bot.log()
    finally:
        bot.stop()


def test_a_port_in_use_is_one_line_naming_port_and_exit_2(standin, tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["run"], bot_env(standin, tmp_path, PORT=str(port)), tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"supportbot: PORT: cannot listen on port {port} (Address already in use)."
        " Fix: stop whatever listens there, or set PORT to a free port")
