"""Work after the ack waits while Slack's requests arrive in a burst, so a burst is acknowledged first.

Python threads share one interpreter lock. While cards are rendered, stored and posted, every
request being acknowledged waits its turn for that lock: under a burst of 50 commands in flight,
the slowest acknowledgements took nearly twice as long as they do with the work held back
(p99 about 100 ms against 57 ms in bench/ack_latency.py).
Slack's 3-second window is a hard limit; a card appearing a second later is not. So while
requests arrive faster than BURST within one LULL (100 a second), work is held until they pause
for LULL seconds, or for MAX_DEFER seconds at most, so a long flood still gets its cards. Below
that rate, as at a steady 50 commands a second, work starts at once: holding it would cost the
team its cards' speed and buy the acknowledgements nothing. Behind the HTTP front, which
acknowledges in a process of its own, work always starts at once (bot/runner.py).
"""

import queue
import threading
import time
from collections import deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Callable

LULL = 0.05  # seconds without a new request that mean a burst has ended
MAX_DEFER = 2.0  # seconds a piece of work is held at most
BURST = 5  # arrivals within one LULL that make a burst

Held = tuple[Future, Callable, tuple, dict]
Arrival = tuple[float, Held]  # handed over at, on the monotonic clock


class AckFirstPool(Executor):
    """A thread pool whose work starts in the lulls between requests. One dispatcher thread holds
    and releases it, so holding costs the request threads nothing."""

    def __init__(self, threads: int, lull: float = LULL, max_defer: float = MAX_DEFER, burst: int = BURST):
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="supportbot")
        self._lull, self._max_defer = lull, max_defer
        self._recent: deque[float] = deque(maxlen=burst)
        self._arrivals: queue.SimpleQueue[Arrival | None] = queue.SimpleQueue()
        self._dispatcher = threading.Thread(target=self._release_in_lulls, name="supportbot-dispatch", daemon=True)
        self._dispatcher.start()

    def submit(self, work: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        self._arrivals.put((time.monotonic(), (future, work, args, kwargs)))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Everything submitted before is released first, so `wait` waits for all of it."""
        self._arrivals.put(None)
        if wait:
            self._dispatcher.join()
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def _release_in_lulls(self) -> None:
        held: list[Held] = []
        deadline = float("-inf")
        while True:
            try:
                arrival = self._arrivals.get(timeout=self._hold_time(deadline) if held else None)
            except queue.Empty:
                self._release(held)  # a lull, or the oldest has waited long enough
                continue
            if arrival is None:
                self._release(held)
                return
            handed_over, work = arrival
            if not held:
                deadline = handed_over + self._max_defer
            held.append(work)
            if not self._in_burst(handed_over) or time.monotonic() >= deadline:
                self._release(held)

    def _in_burst(self, handed_over: float) -> bool:
        """True when the last BURST arrivals, this one included, all came within one LULL."""
        self._recent.append(handed_over)
        return len(self._recent) == self._recent.maxlen and handed_over - self._recent[0] < self._lull

    def _hold_time(self, deadline: float) -> float:
        """How long to wait for the next arrival before releasing what is held."""
        return max(0.0, min(self._lull, deadline - time.monotonic()))

    def _release(self, held: list[Held]) -> None:
        """Hands everything held to the pool and empties `held`."""
        for future, work, args, kwargs in held:
            self._pool.submit(_run, future, work, args, kwargs)
        held.clear()


def _run(future: Future, work: Callable, args: tuple, kwargs: dict) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(work(*args, **kwargs))
    except BaseException as error:  # noqa: BLE001 - handed to the future, as ThreadPoolExecutor does
        future.set_exception(error)
