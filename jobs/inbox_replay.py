"""Finishing requests that a dead process acknowledged but never worked on.

They go through the app again exactly as they came from Slack (as Socket Mode deliveries,
whose signature Slack's connection vouched for; these were checked when they arrived), so
each reaches the handler it reached the first time.
"""

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot import metrics
from bot.deps import Deps
from jobs.schedule import ScheduledJob
from storage.inbox import claim_left_behind

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(seconds=1)


def inbox_replay_job(app: App) -> ScheduledJob:
    def run(client: WebClient, deps: Deps) -> int:
        return finish_left_behind(app, deps)

    return ScheduledJob("inbox-replay", IntervalTrigger(seconds=CHECK_EVERY.total_seconds()), run, run_at_start=True)


def finish_left_behind(app: App, deps: Deps) -> int:
    kept = claim_left_behind(deps.store.inbox_db(), deps.store.db(), deps.boot_id)
    for request in kept:
        app.dispatch(BoltRequest(body=request.body, mode="socket_mode"))
    if kept:
        log.info("finishing %d request(s) acknowledged by a process that died", len(kept))
        metrics.TAKEN_OVER.labels("request").inc(len(kept))
    return len(kept)
