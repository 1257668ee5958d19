"""Running the frequent jobs (every half second to a few seconds) on the monotonic clock.

APScheduler 3 plans an interval job's next run in wall-clock time and waits for it: when the
host's clock steps back (an NTP correction, a VM resumed), every such job stalls for the size
of the step, reminders and take-overs included. Here each one has a thread that waits on the
monotonic clock between runs, so the wall clock can do what it likes. Jobs at a time of day
(digests, summaries) stay with APScheduler: they are about the wall clock.
"""

import threading
from typing import Callable


class Ticker:
    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def every(self, seconds: float, name: str, run: Callable[[], object], at_start: bool = False) -> None:
        def loop() -> None:
            if at_start:
                run()
            while not self._stopping.wait(seconds):
                run()

        thread = threading.Thread(target=loop, name=f"supportbot-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def shutdown(self, wait: bool = True) -> None:
        """No new runs; with `wait`, until the runs under way have ended."""
        self._stopping.set()
        if wait:
            for thread in self._threads:
                thread.join()
