"""Posting the cards of escalations that were stored but never shown.

Every escalation is committed before its cards are posted, so a process killed in between
(not stopped: a stop finishes its work) leaves one that nobody sees. At start-up each such
escalation is claimed once — two instances starting together do not both post — and
published as if just raised.
"""

import logging
from datetime import timedelta

from slack_sdk import WebClient

from commands.deps import Deps
from commands.esc.cards import CardPublisher
from storage.escalations import claim_once
from storage.queries import escalations_without_cards

log = logging.getLogger(__name__)
SETTLE_TIME = timedelta(minutes=5)  # longer than any live instance spends posting, retries included
LOOK_BACK = timedelta(days=2)


def repair_missing_cards(client: WebClient, deps: Deps) -> int:
    now = deps.clock()
    repaired = 0
    for esc in escalations_without_cards(deps.store.db(), now - LOOK_BACK, now - SETTLE_TIME):
        if claim_once(deps.store.db(), now, f"repair:{esc.key}"):
            CardPublisher(client, deps).publish_new(esc)
            repaired += 1
    if repaired:
        log.info("posted the missing cards of %d escalation(s)", repaired)
    return repaired
