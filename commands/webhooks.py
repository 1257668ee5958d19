"""Answering a person through the response_url of the request they made, after the request itself."""

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)


def answer_privately(response_url: str, blocks: list[dict], text: str) -> None:
    """An ephemeral answer; a response_url lasts 30 minutes and five uses, so a late or used-up
    one is logged, not retried."""
    try:
        sent = WebhookClient(response_url, timeout=10).send(text=text, blocks=blocks, response_type="ephemeral",
                                                            replace_original=False)
    except (OSError, SlackApiError) as error:
        log.warning("could not answer through the response_url: %s", error)
        return
    if sent.status_code != 200:
        log.warning("the response_url answered %s", sent.status_code)
