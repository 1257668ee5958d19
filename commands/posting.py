"""Posting a message where the bot may not have joined yet, or to one person directly."""

import time
from datetime import datetime, timezone
from typing import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from commands.message_search import find_by_metadata

TRIES = 6  # as many as the client gives any other call after a server error (bot/slack_client.py)
SERVER_ERRORS = (500, 503)


# What to do when Slack refuses a post in a channel, by its error
REFUSAL_ADVICE = {
    "is_archived": "the channel is archived: unarchive it, or give the line another channel in app.yaml",
    "not_in_channel": "I am not a member: invite me there with `/invite @supportbot`",
    "channel_not_found": "I cannot see that channel: invite me there with `/invite @supportbot`",
}


def refused_where(channel: str, reason: str) -> str:
    """Where Slack refused a post and why, with what to do about it: `<#C1> (`reason`): advice`."""
    advice = REFUSAL_ADVICE.get(reason)
    return f"<#{channel}> (`{reason}`)" + (f": {advice}" if advice else "")


def post_joining(client: WebClient, channel: str, send: Callable[..., SlackResponse] | None = None,
                 **message) -> SlackResponse:
    """Post with `send` (default `post_message`), joining a public channel the bot is not in yet:
    teams need not invite it everywhere. A private channel refuses the join; then the original
    refusal is what the caller sees."""
    send = send or post_message
    try:
        return send(client, channel, **message)
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            raise
        try:
            client.conversations_join(channel=channel)
        except SlackApiError:
            raise error from None
        return send(client, channel, **message)


def send_once(client: WebClient, channel: str, **message) -> SlackResponse:
    """One chat.postMessage: for outbox deliveries, whose retries look for the post first
    (bot/delivery.py)."""
    return client.chat_postMessage(channel=channel, **message)


def post_message(client: WebClient, channel: str, **message) -> SlackResponse:
    """chat.postMessage. Slack may store a message and still answer 500, or the connection may
    break before its answer, so a post carrying metadata is looked for by it before each new
    try, and adopted if Slack has it: a lost answer never shows a card, copy or report twice."""
    metadata = message.get("metadata")
    if not metadata:
        return client.chat_postMessage(channel=channel, **message)
    since = datetime.now(timezone.utc)
    for attempt in range(TRIES - 1):
        try:
            return client.chat_postMessage(channel=channel, **message)
        except (SlackApiError, OSError) as error:
            if not _answer_lost(error):
                raise
        time.sleep(0.2 * 2 ** attempt)
        ts = find_by_metadata(client, channel, metadata, since, message.get("thread_ts"))
        if ts:
            return _adopted(client, channel, ts)
    return client.chat_postMessage(channel=channel, **message)


def _answer_lost(error: Exception) -> bool:
    """A server error or a broken connection: the post may or may not be in Slack."""
    if isinstance(error, SlackApiError):
        return error.response.status_code in SERVER_ERRORS
    return True  # OSError: refused, reset, timed out


def _adopted(client: WebClient, channel: str, ts: str) -> SlackResponse:
    """The answer Slack lost, as far as the bot reads it."""
    return SlackResponse(client=client, http_verb="POST", api_url="chat.postMessage", req_args={},
                         data={"ok": True, "channel": channel, "ts": ts}, headers={}, status_code=200)


def direct_channel(client: WebClient, user: str) -> str:
    """The conversation of the bot and `user`, opened if it is not yet."""
    return client.conversations_open(users=user)["channel"]["id"]


def post_direct(client: WebClient, user: str, **message) -> SlackResponse:
    """A direct message from the bot to `user`, in one call."""
    return send_once(client, direct_channel(client, user), **message)
