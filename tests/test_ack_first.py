"""The pool that lets a burst of requests be acknowledged before their work starts."""

import threading
import time

import pytest

from bot.ack_first import AckFirstPool

LULL = 0.2
MAX_DEFER = 1.0
BURST = 5


@pytest.fixture
def pool():
    running = AckFirstPool(threads=4, lull=LULL, max_defer=MAX_DEFER, burst=BURST)
    yield running
    running.shutdown()


def started_at() -> float:
    return time.monotonic()


def test_work_that_arrives_alone_starts_at_once(pool):
    handed_over = time.monotonic()
    assert pool.submit(started_at).result(timeout=5) - handed_over < LULL / 2


def submitted_every(pool, interval: float, times: int) -> list[tuple[float, float]]:
    """(handed over, started) for each piece of work handed over `interval` seconds apart."""
    handed = []
    for _ in range(times):
        handed.append((time.monotonic(), pool.submit(started_at)))
        time.sleep(interval)
    return [(at, future.result(timeout=5)) for at, future in handed]


def test_work_at_a_steady_pace_below_the_burst_rate_starts_at_once(pool):
    below_the_rate = LULL / (BURST - 1) * 1.5
    assert all(start - at < LULL / 2 for at, start in submitted_every(pool, below_the_rate, 12))


def test_work_handed_over_during_a_burst_waits_for_the_lull(pool):
    runs = submitted_every(pool, LULL / 10, 10)
    burst_ended = runs[-1][0]
    before_the_burst, in_the_burst = runs[:BURST - 1], runs[BURST - 1:]
    assert all(start - at < LULL / 2 for at, start in before_the_burst), "too few arrivals to make a burst"
    assert all(start >= burst_ended + LULL * 0.9 for _, start in in_the_burst)
    assert all(start < burst_ended + LULL + 0.5 for _, start in in_the_burst)


def test_a_long_flood_still_gets_its_work_done_after_max_defer(pool):
    submitted_every(pool, 0, BURST - 1)  # not yet a burst: these go at once
    held_at = time.monotonic()
    held = pool.submit(started_at)
    flood_ends = held_at + MAX_DEFER * 2
    while time.monotonic() < flood_ends and not held.done():
        pool.submit(started_at)
        time.sleep(LULL / 10)
    assert held.done(), "work was held for the whole flood"
    assert MAX_DEFER * 0.9 <= held.result() - held_at <= MAX_DEFER + 0.5


def test_shutdown_waits_for_held_work_and_failures_reach_the_future():
    pool = AckFirstPool(threads=2, lull=LULL, max_defer=MAX_DEFER)
    done = threading.Event()

    def fail():
        raise ValueError("card refused")

    pool.submit(time.sleep, 0)
    held_ok = pool.submit(done.set)
    held_failing = pool.submit(fail)
    pool.shutdown(wait=True)
    assert done.is_set() and held_ok.done()
    assert isinstance(held_failing.exception(timeout=0), ValueError)
