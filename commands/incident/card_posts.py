"""The draft card in the channel it was drafted in: posted once, then kept showing the incident as stored."""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from commands.incident.card_blocks import card_text, render_card
from commands.message_search import message_metadata
from commands.posting import post_joining
from storage import incident_records as ir
from storage import incidents as core
from storage.incident_model import Incident

log = logging.getLogger(__name__)
CARD_METADATA = "supportbot_incident_card"


def post_card(client: WebClient, deps: Deps, incident: Incident) -> None:
    posted = post_joining(client, incident.card_channel, blocks=render_card(incident), text=card_text(incident),
                          metadata=message_metadata(CARD_METADATA, incident_id=incident.id))
    core.attach_card(deps.store.db(), deps.clock(), incident.id, posted["ts"])


def refresh_card(client: WebClient, deps: Deps, incident_id: int) -> None:
    incident = ir.load_incident(deps.store.db(), incident_id)
    try:
        client.chat_update(channel=incident.card_channel, ts=incident.card_ts, blocks=render_card(incident),
                           text=card_text(incident))
    except SlackApiError as error:
        log.warning("could not update the card of %s: %s", incident.key, error.response.get("error"))
