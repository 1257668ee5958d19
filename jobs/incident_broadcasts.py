"""Sending scheduled incident notices (planned work) when their time comes, and finishing a
fan-out that a process killed mid-way left half done.

The database says what is due; each broadcast is claimed once by moving it out of
`scheduled` in the same transaction that writes its notice, so a restart, an overdue
wake-up or a second instance sends it exactly once. A post claimed by a process that died
(its boot stopped beating, storage/boots.py) may be in Slack already with no ts saved: the
next process looks for it by its metadata and adopts it, and posts only what is missing.
"""

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from commands.deps import Deps
from commands.incident.publish import NoticePublisher
from storage import incidents as core
from storage.incident_records import due_incident_ids, steps_to_resume

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(days=2)
RESUME_EVERY = timedelta(seconds=3)  # a dead process's boot is gone after 6 s: soon after that


def resume_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=RESUME_EVERY.total_seconds())


def send_due_broadcasts(client: WebClient, deps: Deps) -> int:
    now = deps.clock()
    sent = 0
    for incident_id in due_incident_ids(deps.store.db(), now):
        outcome = core.start_due(deps.store.db(), now, incident_id, deps.boot_id)
        if outcome:
            NoticePublisher(client, deps, outcome.incident.broadcast_by or outcome.incident.created_by).send(outcome.step)
            log.info("sent the scheduled notice of %s", outcome.incident.key)
            sent += 1
    return sent


def resume_unfinished_steps(client: WebClient, deps: Deps) -> int:
    """Finish the fan-outs of processes that died: each channel once, whoever else resumes too."""
    now = deps.clock()
    steps = steps_to_resume(deps.store.db(), now, now - LOOK_BACK)
    for step in steps:
        log.info("resuming the fan-out of INC-%s step %s", step.incident_id, step.number)
        NoticePublisher(client, deps, step.actor).resume(step)
    return len(steps)
