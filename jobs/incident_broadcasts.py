"""Sending scheduled incident notices (planned work) when their time comes.

The database says what is due; each broadcast is claimed once by moving it out of `scheduled`
in the same transaction that writes its notice and the notice's outbox row, so a restart, an
overdue wake-up or a second instance sends it exactly once. The delivery loop posts it.
"""

import logging

from slack_sdk import WebClient

from bot.deps import Deps
from storage import incidents as core
from storage.incident_records import due_incident_ids

log = logging.getLogger(__name__)


def send_due_broadcasts(client: WebClient, deps: Deps) -> int:
    now = deps.clock()
    sent = 0
    for incident_id in due_incident_ids(deps.store.db(), now):
        outcome = core.start_due(deps.store.db(), now, incident_id)
        if outcome:
            log.info("the scheduled notice of %s is due: on its way", outcome.incident.key)
            sent += 1
    if sent:
        deps.doorbell.ring()
    return sent
