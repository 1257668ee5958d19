"""The draft card in the channel it was drafted in: posted once, then kept showing the incident
as stored. An outbox row (storage/incident_effects.py: card_follows) asks for it; a step's
delivery brings it up to date as its last act."""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import Delivery, transient
from bot.deps import Deps
from commands.incident.card_blocks import card_text, render_card
from commands.message_search import find_by_metadata, message_metadata
from commands.posting import post_joining, refused_where
from commands.replies import render_confirmation
from commands.webhooks import tell_privately
from storage import incident_records as ir
from storage import incidents as core
from storage.incident_model import Incident

log = logging.getLogger(__name__)
CARD_METADATA = "supportbot_incident_card"


def deliver_card(job: Delivery) -> None:
    incident = ir.load_incident(job.db(), job.payload["incident_id"])
    if incident.card_ts:
        job.still_mine()
        refresh_card(job.client, job.deps, incident.id)
        return
    metadata = message_metadata(CARD_METADATA, incident_id=incident.id)
    ts = job.retried and find_by_metadata(job.client, incident.card_channel, metadata, incident.created_at)
    if not ts:
        job.still_mine()
        try:
            ts = post_joining(job.client, incident.card_channel, blocks=render_card(incident),
                              text=card_text(incident), metadata=metadata)["ts"]
        except SlackApiError as error:
            if transient(error) and not job.last_try:
                raise
            _refused(job, incident, error.response.get("error", "unknown_error"))
            return
    job.record(lambda db: core.record_card(db, job.deps.clock(), incident.id, ts))


def _refused(job: Delivery, incident: Incident, reason: str) -> None:
    log.warning("Slack refused the card of %s in %s: %s", incident.key, incident.card_channel, reason)
    if not job.payload.get("reply_to"):
        return
    text = f"⚠️ {incident.key} is saved, but Slack refused its card in {refused_where(incident.card_channel, reason)}."
    tell_privately(job.client, job.payload["reply_to"], render_confirmation(text), text)


def refresh_card(client: WebClient, deps: Deps, incident_id: int) -> None:
    incident = ir.load_incident(deps.store.db(), incident_id)
    try:
        client.chat_update(channel=incident.card_channel, ts=incident.card_ts, blocks=render_card(incident),
                           text=card_text(incident))
    except SlackApiError as error:
        log.warning("could not update the card of %s: %s", incident.key, error.response.get("error"))
