"""Answering a person after their request: through its response_url, or directly."""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.turn import Turn
from commands.posting import post_direct

log = logging.getLogger(__name__)


DIRECT = "user:"


def direct_address(user: str) -> str:
    """A reply address for someone whose request left no response_url."""
    return f"{DIRECT}{user}"


def reply_to(turn: Turn) -> str | None:
    """Where the delivery of this change's cards can tell the person that Slack refused one: the
    request's response_url, or, for a form (which has none: from Home, say), a direct message."""
    if turn.body.get("type") == "view_submission":
        return direct_address(turn.user)
    return turn.body.get("response_url")


def tell_privately(client: WebClient, address: str, blocks: list[dict], text: str) -> None:
    """An answer for later: through the response_url, or as a direct message to a `direct_address`."""
    if not address.startswith(DIRECT):
        answer_privately(address, blocks, text)
        return
    try:
        post_direct(client, address.removeprefix(DIRECT), blocks=blocks, text=text)
    except SlackApiError as error:
        log.warning("could not send the direct message: %s", error.response.get("error"))


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
