"""Work after the ack waits for a lull in Slack's requests, so a burst of them is acknowledged first.

Python threads share one interpreter lock. While cards are rendered, stored and posted, every
request being acknowledged waits its turn for that lock: under a burst of 50 commands in flight,
the slowest acknowledgements took nearly twice as long as they do with the work held back
(p99 about 100 ms against 57 ms in bench/ack_latency.py).
Slack's 3-second window is a hard limit; a card appearing a second later is not. So work handed
over while requests keep arriving is held until they pause for LULL seconds, or for MAX_DEFER
seconds at most, so a long flood still gets its cards. Work that arrives alone starts at once.
"""

import queue
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Callable

LULL = 0.05  # seconds without a new request that mean a burst has ended
MAX_DEFER = 2.0  # seconds a piece of work is held at most

Held = tuple[Future, Callable, tuple, dict]


class AckFirstPool(Executor):
    """A thread pool whose work starts in the lulls between requests. One dispatcher thread holds
    and releases it, so holding costs the request threads nothing."""

    def __init__(self, threads: int, lull: float = LULL, max_defer: float = MAX_DEFER):
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="supportbot")
        self._lull, self._max_defer = lull, max_defer
        self._arrivals: queue.SimpleQueue[Held | None] = queue.SimpleQueue()
        self._dispatcher = threading.Thread(target=self._release_in_lulls, name="supportbot-dispatch", daemon=True)
        self._dispatcher.start()

    def submit(self, work: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        self._arrivals.put((future, work, args, kwargs))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Everything submitted before is released first, so `wait` waits for all of it."""
        self._arrivals.put(None)
        if wait:
            self._dispatcher.join()
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def _release_in_lulls(self) -> None:
        held: list[Held] = []
        deadline = last_arrival = float("-inf")
        while True:
            try:
                arrival = self._arrivals.get(timeout=self._hold_time(deadline) if held else None)
            except queue.Empty:
                self._release(held)  # a lull, or the oldest has waited long enough
                continue
            if arrival is None:
                self._release(held)
                return
            now = time.monotonic()
            alone, last_arrival = now - last_arrival >= self._lull, now
            if not held:
                deadline = now + self._max_defer
            held.append(arrival)
            if alone or now >= deadline:  # alone: nothing else was held, so it goes at once
                self._release(held)

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
