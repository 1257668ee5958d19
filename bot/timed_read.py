"""Asking the database something for an HTTP probe or a scrape, without waiting on it for long.

/readyz and /metrics must answer within a load balancer's or Prometheus's timeout even while
the database hangs (a server stopped with SIGSTOP, a network that drops packets): then a
connection can wait for seconds or for good. The read runs in a thread of its own, a fresh one
each time, and the caller waits `within` seconds at most. While that thread still waits, no
second one is started, so a hanging database costs one thread, not one per probe.
"""

import threading
from concurrent.futures import Future, TimeoutError as StillWaiting
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class PreviousStillWaiting(Exception):
    """The last read has not come back yet: none is started."""


class TimedRead(Generic[T]):
    def __init__(self, read: Callable[[], T], within: float, name: str):
        self._read, self.within, self._name = read, within, name
        self._waiting: Future | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        """What `read` returned, or its error; StillWaiting when it did not answer within
        `within` seconds, PreviousStillWaiting while the last read has not answered yet."""
        with self._lock:
            if self._waiting and not self._waiting.done():
                raise PreviousStillWaiting(self._name)
            self._waiting = answer = Future()
        threading.Thread(target=self._run, args=(answer,), name=f"supportbot-{self._name}", daemon=True).start()
        return answer.result(timeout=self.within)

    def _run(self, answer: Future) -> None:
        try:
            answer.set_result(self._read())
        except Exception as error:  # noqa: BLE001 - handed to the caller waiting on it
            answer.set_exception(error)


__all__ = ["PreviousStillWaiting", "StillWaiting", "TimedRead"]
