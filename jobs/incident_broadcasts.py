"""Sending scheduled incident notices (planned work) when their time comes, and finishing a
fan-out that a stopped process left half done.

The database says what is due; each broadcast is claimed once by moving it out of
`scheduled` in the same transaction that writes its notice, so a restart, an overdue
wake-up or a second instance sends it exactly once.
"""

import logging
from datetime import timedelta

from slack_sdk import WebClient

from commands.deps import Deps
from commands.incident.publish import NoticePublisher
from storage import incidents as core
from storage.incident_records import due_incident_ids, unfinished_steps

log = logging.getLogger(__name__)
SETTLE_TIME = timedelta(minutes=5)  # longer than any live fan-out takes, retries included
LOOK_BACK = timedelta(days=2)


def send_due_broadcasts(client: WebClient, deps: Deps) -> int:
    now = deps.clock()
    sent = 0
    for incident_id in due_incident_ids(deps.store.db(), now):
        outcome = core.start_due(deps.store.db(), now, incident_id)
        if outcome:
            NoticePublisher(client, deps, outcome.incident.broadcast_by or outcome.incident.created_by).send(outcome.step)
            log.info("sent the scheduled notice of %s", outcome.incident.key)
            sent += 1
    return sent


def resume_unfinished_steps(client: WebClient, deps: Deps) -> int:
    """Post the channels a stopped process never got to; the claims keep every other channel as it was."""
    now = deps.clock()
    steps = unfinished_steps(deps.store.db(), now - LOOK_BACK, now - SETTLE_TIME)
    for step in steps:
        log.info("resuming the fan-out of INC-%s step %s", step.incident_id, step.number)
        NoticePublisher(client, deps, step.actor).send(step)
    return len(steps)
