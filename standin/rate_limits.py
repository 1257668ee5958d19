"""Slack's per-channel posting limit, on request: one chat.postMessage per channel per second;
and a channel held at its limit, every post and edit there refused until it is let go.

Off by default. When on, a faster post is answered 429 with Retry-After, as Slack does, so
tests and benchmarks can see whether the bot spaces its posts, and what it tells people
when Slack keeps refusing a channel for longer than the bot retries.
"""

from __future__ import annotations

import threading
import time

from .state import SlackError, Workspace

LIMITED_METHODS = {"chat.postMessage"}
HELD_METHODS = frozenset({"chat.postMessage", "chat.update"})


class ChannelRateLimit:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._lock = threading.Lock()
        self._interval: float | None = None
        self._last_post: dict[str, float] = {}
        self._held: dict[str, tuple[int, frozenset[str]]] = {}

    def enable(self, seconds_between_posts: float = 1.0) -> None:
        with self._lock:
            self._interval = seconds_between_posts
            self._last_post.clear()

    def hold(self, channel: str, retry_after: int, methods: frozenset[str] = HELD_METHODS) -> None:
        """Answer every call to `methods` in `channel` 429 with `retry_after`, until `release`."""
        channel_id = self._workspace.channel(channel).id
        with self._lock:
            self._held[channel_id] = (retry_after, frozenset(methods))

    def release(self, channel: str) -> None:
        channel_id = self._workspace.channel(channel).id
        with self._lock:
            self._held.pop(channel_id, None)

    def refusal(self, method: str, args: dict) -> int | None:
        """The Retry-After of a 429 for this call, or None when it may go through. A call that
        keeps the per-channel limit counts as the channel's latest post."""
        if method not in HELD_METHODS:
            return None
        try:
            channel = self._workspace.channel(args.get("channel")).id
        except SlackError:
            return None
        with self._lock:
            retry_after, methods = self._held.get(channel, (None, frozenset()))
            if method in methods:
                return retry_after
            if self._interval is None or method not in LIMITED_METHODS:
                return None
            now = time.monotonic()
            if now - self._last_post.get(channel, float("-inf")) < self._interval:
                return 1
            self._last_post[channel] = now
            return None
