"""Posting a message where the bot may not have joined yet, or to one person directly."""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse


def post_joining(client: WebClient, channel: str, **message) -> SlackResponse:
    """Post, joining a public channel the bot is not in yet: teams need not invite it everywhere.
    A private channel refuses the join; then the original refusal is what the caller sees."""
    try:
        return client.chat_postMessage(channel=channel, **message)
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            raise
        try:
            client.conversations_join(channel=channel)
        except SlackApiError:
            raise error from None
        return client.chat_postMessage(channel=channel, **message)


def post_direct(client: WebClient, user: str, **message) -> SlackResponse:
    """A direct message from the bot to `user`."""
    channel = client.conversations_open(users=user)["channel"]["id"]
    return client.chat_postMessage(channel=channel, **message)
