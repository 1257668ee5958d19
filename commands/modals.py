"""Opening a modal with the trigger of a click or command.

A trigger opens one modal: Slack refuses a second `views.open` with it (`exchanged_trigger_id`),
and any after three seconds (`expired_trigger_id`). That is what a second click on a button
whose form is already open, or a redelivered click, runs into; the form the person wants is
on their screen, so there is nothing to tell them.
"""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
USED_TRIGGER = ("exchanged_trigger_id", "expired_trigger_id")


def open_modal(client: WebClient, trigger_id: str, view: dict) -> None:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        reason = error.response.get("error")
        if reason not in USED_TRIGGER:
            raise
        log.warning("modal %s not opened: Slack answered %s (a second click on the same button)",
                    view.get("callback_id"), reason)
