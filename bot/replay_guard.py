"""Refusing a replayed request: the same signed bytes, sent again by someone who captured them.

Bolt checks the signature and refuses timestamps older than five minutes, but inside those
five minutes a byte-identical copy would pass. Slack's own retries are signed afresh (a new
timestamp, a new signature), so a signature seen twice is never Slack's doing.

The guard runs as Bolt middleware, after Bolt's own signature check, so only signatures that
Slack really made are remembered: a flood of forged requests costs no memory. Requests
without a signature never came over HTTP (Socket Mode, or the inbox finishing what a dead
process left); each of those would otherwise look like a replay of the first.
"""

import threading
import time
from typing import Callable

from slack_bolt import BoltRequest, BoltResponse

WINDOW_SECONDS = 5 * 60  # Bolt refuses older timestamps, so older signatures need no memory


class ReplayGuard:
    def __init__(self):
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._next_prune = 0.0

    def first_time(self, signature: str) -> bool:
        """True the first time a signature is seen within the window; a replay gets False."""
        now = time.monotonic()
        with self._lock:
            if now >= self._next_prune:
                self._prune(now)
            if signature in self._seen:
                return False
            self._seen[signature] = now
            return True

    def _prune(self, now: float) -> None:
        self._seen = {sig: at for sig, at in self._seen.items() if now - at < WINDOW_SECONDS}
        self._next_prune = now + 30


def refusing_replays() -> Callable[..., BoltResponse | None]:
    """Global Bolt middleware answering a replayed request with 401 before any listener sees it."""
    guard = ReplayGuard()

    def refuse_replays(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002 - Bolt's name
        signature = (req.headers.get("x-slack-signature") or [""])[0]
        if signature and not guard.first_time(signature):
            return BoltResponse(status=401, body="replayed request")
        return next()

    return refuse_replays
