"""Sending one step of a notice to many channels at once, never twice to the same one.

Channels are posted in parallel; posts to one channel are spaced a second apart, as Slack
allows, so 20 channels take about a second rather than twenty. Each channel is claimed in the
database before its post, and its ts recorded after, so a redelivered click, a second instance
or a restart cannot post the same step there again. A channel Slack refuses (archived, not a
member) is recorded with its error; the others go on. A post that fails for now (a 429 past
the Web client's own retries, or a 5xx or a dropped connection, after which Slack may have
stored it) is not sent again in this try: its channel stays claimed without a ts and, once the
other channels are done, the step's outbox row is tried again later (`back_off_if_posts_left`).
That try looks for the post by its metadata before posting (`take_over`). On the row's last
try such a failure is recorded as the channel's error, like a refusal. Each post and each
edit first checks that the row is still this process's (`still_mine`), and every claim and
record is written only while it is (`_while_mine`), so a process that lost it (paused past its
lease) stops and records nothing. A copy whose edit still fails is recorded as out of step,
and cleared by the next edit that lands.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from slack_sdk.errors import SlackApiError
from sqlite_utils import Database

from bot import metrics
from bot.delivery import Delivery, transient
from storage import incidents as core

log = logging.getLogger(__name__)
PARALLEL_POSTS = 8
SECONDS_BETWEEN_POSTS = 1.0

T = TypeVar("T")
Claim = Callable[[str], bool]
Send = Callable[[str], str]
Edit = Callable[[str, str], object]  # (channel, ts of its copy)


class Pacer:
    """Work for one key (a channel) one at a time, each turn starting `interval` after the
    previous one finished, across every thread of the process. Different keys never wait for
    each other."""

    def __init__(self, interval: float = SECONDS_BETWEEN_POSTS):
        self.interval = interval
        self._locks: dict[str | int, threading.Lock] = {}
        self._finished: dict[str | int, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def turn(self, key: str | int) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            wait = self._finished.get(key, float("-inf")) + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._finished[key] = time.monotonic()


PACER = Pacer()  # posts to one channel a second apart


class FanOut:
    def __init__(self, job: Delivery, actor: str):
        self.job = job
        self.deps = job.deps
        self.actor = actor
        self.left_for_later: dict[str, Exception] = {}  # posts Slack failed: it may have them

    def post_step(self, incident_id: int, step: int, channels: list[str], send: Send, retry: bool = False) -> None:
        """Post to every channel this caller claims, recording each ts or Slack's refusal."""
        claim = self._retry_claim(incident_id, step) if retry else self._first_claim(incident_id, step)
        self._post_claimed(incident_id, step, channels, claim, send)

    def take_over(self, incident_id: int, step: int, channels: list[str], send: Send) -> None:
        """Post where an earlier try of the step claimed the channel and recorded neither a ts nor
        an error (it died, or Slack did not answer it); `send` should look before posting."""
        self._post_claimed(incident_id, step, channels, self._take_over_claim(incident_id, step), send)

    def back_off_if_posts_left(self) -> None:
        """Once the posts are done: if Slack failed one for now, raise that failure so the outbox
        backs the row off. Its channel stays claimed without a ts, for the next try to take over."""
        if self.left_for_later:
            raise next(iter(self.left_for_later.values()))

    def edit_copies(self, incident_id: int, copies: dict[str, str], edit: Edit) -> dict[str, str]:
        """Edit each copy in place ({channel: ts}); returns {channel: error} for those Slack refused
        past the retries, recorded as out of step so the next update or a retry edits them again."""
        outcomes = self._in_parallel(list(copies), lambda channel: self._edit_one(incident_id, channel, copies[channel],
                                                                                   edit))
        return _errors_only(outcomes)

    def _post_claimed(self, incident_id: int, step: int, channels: list[str], claim: Claim, send: Send) -> None:
        self._in_parallel(channels, lambda channel: self._post_one(incident_id, step, channel, claim, send))

    def _in_parallel(self, channels: list[str], work: Callable[[str], str | None]) -> dict[str, str | None]:
        if not channels:
            return {}
        with ThreadPoolExecutor(max_workers=min(PARALLEL_POSTS, len(channels)), thread_name_prefix="fanout") as pool:
            return dict(zip(channels, pool.map(work, channels)))

    def _post_one(self, incident_id: int, step: int, channel: str, claim: Claim, send: Send) -> None:
        if not claim(channel):
            return
        try:
            with PACER.turn(channel):
                self.job.still_mine()
                ts = send(channel)
        except (SlackApiError, OSError) as error:
            reason = _reason(error)
            if transient(error) and not self.job.last_try:
                log.info("INC-%s step %s in %s: %s, tried again later", incident_id, step, channel, reason)
                self.left_for_later[channel] = error
                return
            log.warning("INC-%s step %s could not be posted in %s: %s", incident_id, step, channel, reason)
            self._while_mine(lambda db: core.record_post_failure(db, self.deps.clock(), incident_id, step, channel,
                                                                 reason, self.actor))
            return
        metrics.POSTS_SENT.labels("incident_copy").inc()
        self._while_mine(lambda db: core.record_post(db, self.deps.clock(), incident_id, step, channel, ts, self.actor))

    def _edit_one(self, incident_id: int, channel: str, ts: str, edit: Edit) -> str | None:
        self.job.still_mine()
        try:
            edit(channel, ts)
        except (SlackApiError, OSError) as error:
            reason = _reason(error)
            log.warning("INC-%s: could not edit the copy in %s: %s", incident_id, channel, reason)
            self._while_mine(lambda db: core.record_copy_out_of_step(db, self.deps.clock(), incident_id, channel,
                                                                     reason, self.actor))
            return reason
        self._while_mine(lambda db: core.record_copy_in_step(db, self.deps.clock(), incident_id, channel, self.actor))
        return None

    def _first_claim(self, incident_id: int, step: int) -> Claim:
        return lambda channel: self._while_mine(lambda db: core.claim_post(db, self.deps.clock(), incident_id, step,
                                                                           channel))

    def _retry_claim(self, incident_id: int, step: int) -> Claim:
        return lambda channel: self._while_mine(lambda db: core.claim_retry(db, self.deps.clock(), incident_id, step,
                                                                            channel))

    def _take_over_claim(self, incident_id: int, step: int) -> Claim:
        return lambda channel: self._while_mine(lambda db: core.take_over_post(db, self.deps.clock(), incident_id,
                                                                               step, channel))

    def _while_mine(self, write: Callable[[Database], T]) -> T:
        """`write` in a transaction of its own that also checks the step's outbox row is still this
        process's (its generation), so a process that lost the row claims and records nothing:
        LeaseLost instead."""
        result = []
        self.job.record_now(lambda db: result.append(write(db)))
        return result[0]


def _reason(error: SlackApiError | OSError) -> str:
    return error.response.get("error", "unknown_error") if isinstance(error, SlackApiError) else "unreachable"


def _errors_only(outcomes: dict[str, str | None]) -> dict[str, str]:
    return {channel: error for channel, error in outcomes.items() if error}
