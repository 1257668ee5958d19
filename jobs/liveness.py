"""Keeping this process's life held, and declaring gone the processes whose life has ended
(storage/boots.py), so their kept requests are taken over."""

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot import metrics
from bot.deps import Deps
from storage.boots import keep_alive, notice_gone

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(seconds=1)


def liveness_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=CHECK_EVERY.total_seconds())


def check_lives(client: WebClient, deps: Deps) -> None:
    if deps.boot is not None:
        keep_alive(deps.store.db(), deps.boot)
    gone = notice_gone(deps.store.db(), deps.clock())
    if gone:
        log.info("process(es) %s declared gone: their kept requests are taken over", gone)
        metrics.TAKEN_OVER.labels("process").inc(len(gone))
