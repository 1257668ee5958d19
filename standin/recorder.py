"""Recording of what the bot did (API calls, response_url posts) and planned faults."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


@dataclass
class ApiCall:
    method: str
    args: dict
    at: float = field(default_factory=time.time)
    failed: bool = False
    status: int = 200
    response: dict | None = None


class Journal(Generic[T]):
    """An append-only list that other threads can wait on."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._changed = threading.Condition()

    def append(self, item: T) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    def items(self) -> list[T]:
        with self._changed:
            return list(self._items)

    def wait(
        self,
        count: int,
        timeout: float,
        match: Callable[[T], bool],
        describe_failure: Callable[[list[T], list[T]], str],
    ) -> list[T]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                matching = [item for item in self._items if match(item)]
                remaining = deadline - time.monotonic()
                if len(matching) >= count:
                    return matching
                if remaining <= 0:
                    raise TimeoutError(describe_failure(matching, list(self._items)))
                self._changed.wait(remaining)


def describe_missing_calls(method: str, count: int, timeout: float) -> Callable[[list, list], str]:
    def describe(matching: list[ApiCall], seen: list[ApiCall]) -> str:
        methods = Counter(call.method for call in seen)
        summary = ", ".join(f"{name} x{n}" for name, n in methods.items()) or "none"
        return (
            f"expected {count} call(s) to {method} within {timeout}s, got {len(matching)}; "
            f"methods seen: {summary}"
        )

    return describe


@dataclass(frozen=True)
class Fault:
    error: str
    status: int
    retry_after: float | None
    after_doing: bool = False  # the call takes effect, then the error is the answer: a lost reply


@dataclass(frozen=True)
class PlannedFault:
    fault: Fault
    where: Callable[[dict], bool] | None  # only calls whose arguments match; every call when None

    def applies_to(self, args: dict) -> bool:
        return self.where is None or self.where(args)


RATE_LIMITED = Fault("ratelimited", 429, 0)
SERVER_ERROR = Fault("internal_error", 500, None)


class Faults:
    """Planned failures and delays, keyed by API method (or "response_url")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._planned: dict[str, list[PlannedFault]] = {}
        self._delays: dict[str, float] = {}
        self._random_share = 0.0
        self._random = random.Random()
        self._random_methods: set[str] | None = None
        self._random_faults = (RATE_LIMITED, SERVER_ERROR)

    def fail_randomly(self, share: float, seed: int, methods: set[str] | None, rate_limits_only: bool) -> None:
        """From now on, answer `share` of the calls (to `methods`, or all) with a 429 (Retry-After 0)
        or a 500, half each; with `rate_limits_only`, 429s alone."""
        with self._lock:
            self._random_share, self._random, self._random_methods = share, random.Random(seed), methods
            self._random_faults = (RATE_LIMITED,) if rate_limits_only else (RATE_LIMITED, SERVER_ERROR)

    def fail(self, method: str, error: str, status: int, times: int, retry_after: float | None,
             where: Callable[[dict], bool] | None = None, after_doing: bool = False) -> None:
        with self._lock:
            fault = Fault(error, status, retry_after, after_doing)
            self._planned.setdefault(method, []).extend([PlannedFault(fault, where)] * times)

    def delay(self, method: str, seconds: float) -> None:
        with self._lock:
            if seconds > 0:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def next_fault(self, method: str, args: dict | None = None) -> Fault | None:
        with self._lock:
            queue = self._planned.get(method, [])
            planned = next((index for index, fault in enumerate(queue) if fault.applies_to(args or {})), None)
            if planned is not None:
                return queue.pop(planned).fault
            chosen = self._random_methods is None or method in self._random_methods
            if chosen and self._random_share and self._random.random() < self._random_share:
                return self._random.choice(self._random_faults)
            return None

    def delay_for(self, method: str) -> float:
        with self._lock:
            return self._delays.get(method, 0.0)

