"""Slack's per-channel posting limit, on request: one chat.postMessage per channel per second.

Off by default. When on, a faster post is answered 429 with Retry-After, as Slack does, so
tests and benchmarks can see whether the bot spaces its posts.
"""

from __future__ import annotations

import threading
import time

from .state import SlackError, Workspace

LIMITED_METHODS = {"chat.postMessage"}


class ChannelRateLimit:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._lock = threading.Lock()
        self._interval: float | None = None
        self._last_post: dict[str, float] = {}

    def enable(self, seconds_between_posts: float = 1.0) -> None:
        with self._lock:
            self._interval = seconds_between_posts
            self._last_post.clear()

    def too_fast(self, method: str, args: dict) -> bool:
        """Whether this call breaks the limit; a call that keeps it counts as the channel's latest post."""
        if self._interval is None or method not in LIMITED_METHODS:
            return False
        try:
            channel = self._workspace.channel(args.get("channel")).id
        except SlackError:
            return False
        with self._lock:
            now = time.monotonic()
            if now - self._last_post.get(channel, float("-inf")) < self._interval:
                return True
            self._last_post[channel] = now
            return False
