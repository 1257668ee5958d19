"""Finishing the cards of escalations whose process died while posting them.

Every escalation is committed before its cards are posted, so a process killed in between
(not stopped: a stop finishes its work) leaves cards missing, or posted but not recorded.
Once that process has stopped beating (storage/boots.py), another one claims each such
escalation once and repairs it: a card Slack already has is adopted, a missing one posted.
"""

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from commands.deps import Deps
from commands.esc.cards import CardPublisher
from storage.boots import HEARTBEAT_EVERY, beat, orphaned_escalations
from storage.escalations import claim_once
from storage.model import LINES

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(days=2)
CHECK_EVERY = timedelta(seconds=3)


def repair_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=CHECK_EVERY.total_seconds())


def heartbeat_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=HEARTBEAT_EVERY.total_seconds())


def send_heartbeat(client: WebClient, deps: Deps) -> None:
    beat(deps.store.db(), deps.clock(), deps.boot_id)


def repair_missing_cards(client: WebClient, deps: Deps) -> int:
    now = deps.clock()
    queues = {level: deps.team.line(level).channel for level in LINES}
    repaired = 0
    for esc in orphaned_escalations(deps.store.db(), now, queues, LOOK_BACK, deps.boot_id):
        if claim_once(deps.store.db(), now, f"repair:{esc.key}"):
            CardPublisher(client, deps).repair(esc)
            repaired += 1
    if repaired:
        log.info("finished the cards of %d escalation(s) left by a process that died", repaired)
    return repaired
