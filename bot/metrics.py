"""The process's Prometheus metrics, served at GET /metrics; the rest of the bot increments them.

One registry per process, built once at import, so building several apps in one process
(tests, the demo) registers nothing twice. Labels name kinds and outcomes, never a person,
a channel or an escalation, so the number of series stays small.
"""

import logging
import math
from typing import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.timed_read import PreviousStillWaiting, StillWaiting, TimedRead
from storage.db import QUICK_TIMEOUT_MS, Store, Writers, database_busy, database_full, database_gone, open_db, writers_of
from storage.inbox import kept_count
from storage.outbox import pending_count

log = logging.getLogger(__name__)
READ_WITHIN = 0.5  # seconds for each queue's count: a scrape answers within 2 s while the database hangs

REGISTRY = CollectorRegistry()
ProcessCollector(namespace="supportbot", registry=REGISTRY)

REQUESTS = Counter("supportbot_requests", "Requests from Slack, by Slack's request type and what the ack said:"
                   " acknowledged, form_errors or not_kept (the inbox could not keep it)",
                   ["kind", "outcome"], registry=REGISTRY)
REQUEST_ERRORS = Counter("supportbot_request_errors", "Work after the ack that ended in an answer other than"
                         " its result: refused (a user error), database_unavailable or unexpected",
                         ["kind", "error"], registry=REGISTRY)
ACK_SECONDS = Histogram("supportbot_ack_seconds", "From a listener receiving a request to its ack",
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5), registry=REGISTRY)
SLACK_CALLS = Counter("supportbot_slack_calls", "Web API attempts, retries included, by method and outcome:"
                      " ok, error (Slack answered ok: false), 429, 5xx, 4xx or network",
                      ["method", "outcome"], registry=REGISTRY)
SLACK_RETRIES = Counter("supportbot_slack_retries", "Web API calls tried again by the client, by reason",
                        ["reason"], registry=REGISTRY)
SLACK_RETRY_WAIT = Counter("supportbot_slack_retry_wait_seconds", "Time spent waiting before those tries;"
                           " reason rate_limited is the wait Slack's Retry-After asked for",
                           ["reason"], registry=REGISTRY)
INBOX_DEPTH = Gauge("supportbot_inbox_depth", "Requests kept before their ack whose work is not done yet"
                    " (the whole database's, so every instance reports the same)", registry=REGISTRY)
OUTBOX_PENDING = Gauge("supportbot_outbox_pending", "Slack effects not delivered yet (the whole database's)",
                       registry=REGISTRY)
OUTBOX_DELIVERIES = Counter("supportbot_outbox_deliveries", "Outbox rows this process worked on, by kind and"
                            " outcome: done, failed, retry_later, gave_up, taken_over (dropped before its next"
                            " Slack call) or fenced (its result not recorded: another process holds the row)",
                            ["kind", "outcome"], registry=REGISTRY)
TAKEN_OVER = Counter("supportbot_taken_over", "Work of other processes taken over here, by what: process"
                     " (declared gone by this one), request (acknowledged, never finished), row (an outbox row"
                     " whose lease ran out: its process died or was paused)", ["what"], registry=REGISTRY)
POSTS_SENT = Counter("supportbot_posts_sent", "Posts sent: reminder, digest, shift_summary, incident_copy",
                     ["kind"], registry=REGISTRY)
DATABASE_ERRORS = Counter("supportbot_database_errors", "Database operations that failed: busy, full or other",
                          ["reason"], registry=REGISTRY)


def count_database_error(error: Exception) -> None:
    kind = "busy" if database_busy(error) else "full" if database_full(error) else "gone" if database_gone(error) else "other"
    if _count_elsewhere is not None:
        _count_elsewhere(kind)
    else:
        DATABASE_ERRORS.labels(kind).inc()


_count_elsewhere: Callable[[str], None] | None = None


def send_database_errors_to(count: Callable[[str], None]) -> None:
    """In the HTTP front (bot/front.py), whose /metrics the main process serves: each database
    error's reason goes to `count` instead."""
    global _count_elsewhere
    _count_elsewhere = count


def watch_queues(store: Store) -> None:
    """The inbox and outbox gauges read `store` when scraped (the last store watched, in a process
    that builds several apps), each on a connection of its own in a thread of its own: a database
    that does not answer within READ_WITHIN makes the gauge NaN, not the scrape late. The write
    lock's figures are this process's, for the same store."""
    INBOX_DEPTH.set_function(queue_depth(lambda: _counted(store, kept_count, inbox=True), "inbox-depth"))
    OUTBOX_PENDING.set_function(queue_depth(lambda: _counted(store, pending_count, inbox=False), "outbox-pending"))
    _WRITE_LOCK.writers = writers_of(store.engine.target)


class _WriteLockFigures:
    """How this process's changes queued for the database's one write lock: the transactions
    that took it, the seconds they waited for it and the seconds they held it. A lock held most
    of the time, or long waits per transaction, say the writes are what limits the rate."""

    def __init__(self) -> None:
        self.writers = Writers()

    def collect(self):
        writers = self.writers
        for name, text, value in (
                ("supportbot_write_transactions", "Changes that took the write lock", writers.transactions),
                ("supportbot_write_lock_wait_seconds", "Time changes waited for the write lock", writers.waited_s),
                ("supportbot_write_lock_held_seconds", "Time changes held the write lock", writers.held_s)):
            family = CounterMetricFamily(name, text)
            family.add_metric([], value)
            yield family


_WRITE_LOCK = _WriteLockFigures()
REGISTRY.register(_WRITE_LOCK)


def queue_depth(count: Callable[[], int], name: str, within: float = READ_WITHIN) -> Callable[[], float]:
    read = TimedRead(count, within, name)

    def depth() -> float:
        try:
            return read()
        except (StillWaiting, PreviousStillWaiting):
            log.warning("%s not read for /metrics: the database did not answer within %g s", name, within)
        except Exception as error:  # noqa: BLE001 - a failing database must not fail the scrape
            count_database_error(error)
            log.warning("%s not read for /metrics: %s", name, error)
        return math.nan

    return depth


def _counted(store: Store, count: Callable, inbox: bool) -> int:
    db = open_db(store.target, QUICK_TIMEOUT_MS, inbox=inbox)
    try:
        return count(db)
    finally:
        db.close()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus's text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
