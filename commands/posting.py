"""Posting a message where the bot may not have joined yet, or to one person directly."""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse


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


def post_joining(client: WebClient, channel: str, **message) -> SlackResponse:
    """Post once, joining a public channel the bot is not in yet: teams need not invite it
    everywhere. A private channel refuses the join; then the original refusal is what the
    caller sees."""
    try:
        return send_once(client, channel, **message)
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            raise
        try:
            client.conversations_join(channel=channel)
        except SlackApiError:
            raise error from None
        return send_once(client, channel, **message)


def send_once(client: WebClient, channel: str, **message) -> SlackResponse:
    """One chat.postMessage. Every post is an outbox delivery: a failure backs its row off, and
    the next try looks for the post by its metadata before posting again (bot/delivery.py)."""
    return client.chat_postMessage(channel=channel, **message)


def direct_channel(client: WebClient, user: str) -> str:
    """The conversation of the bot and `user`, opened if it is not yet."""
    return client.conversations_open(users=user)["channel"]["id"]


def post_direct(client: WebClient, user: str, **message) -> SlackResponse:
    """A direct message from the bot to `user`, in one call."""
    return send_once(client, direct_channel(client, user), **message)
