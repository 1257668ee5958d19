"""Escalating an existing message: the watched reaction, and the "Escalate message" shortcut.

The message's author is the one who asked (told in the thread, surveyed once it is resolved);
the agent who reacted or used the shortcut is recorded as who raised it."""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from commands.esc import operations as op
from commands.esc.modal_view import FormOrigin, render_form
from commands.modals import open_modal
from commands.people import name_mentions
from commands.text import one_line, plain_text
from bot.turn import Turn
from storage.escalations import refuse_if_escalated
from storage.model import NewEscalation, Source

log = logging.getLogger(__name__)
UNREADABLE = "A message the bot could not read (invite it to the channel)"


def handle_reaction(turn: Turn, deps: Deps) -> None:
    event = turn.body["event"]
    item = event.get("item", {})
    watched = item.get("type") == "message" and item.get("channel") in deps.team.watch_channels
    if event.get("reaction") != deps.team.reaction or not watched:
        return
    message = _fetch_message(turn.client, item["channel"], item["ts"])
    author = _author(message, event.get("item_user"))
    new = NewEscalation(
        summary=_summary(turn.client, message), requester=author or turn.user, channel=item["channel"],
        source=Source.REACTION, message_ts=(message or {}).get("thread_ts") or item["ts"],
        raised_by=turn.user,
        origin_link=_permalink(turn.client, item["channel"], item["ts"]),
    )
    op.raise_new(turn, deps, new)


def handle_shortcut(turn: Turn, deps: Deps) -> None:
    message = turn.body["message"]
    thread_ts = message.get("thread_ts") or message["ts"]
    refuse_if_escalated(deps.store.db(), turn.channel or "", thread_ts)
    origin = FormOrigin(channel=turn.channel or "", source=Source.SHORTCUT, message_ts=thread_ts,
                        author=_author(message, None), link=_permalink(turn.client, turn.channel or "", message["ts"]))
    open_modal(turn.client, turn.body["trigger_id"], render_form(deps.team, origin, plain_text(name_mentions(turn.client, message.get("text", "")))))


def _author(message: dict | None, item_user: str | None) -> str | None:
    """The person who wrote the message; None for an app's message."""
    if message is None:
        return item_user
    return None if message.get("bot_id") else message.get("user")


def _permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    except SlackApiError as error:
        log.warning("no permalink for the message %s in %s: %s", ts, channel, error.response.get("error"))
        return None


def _fetch_message(client: WebClient, channel: str, ts: str) -> dict | None:
    """The reacted-to message: conversations.history finds channel messages, replies finds thread replies."""
    try:
        found = client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)["messages"]
        if found and found[0]["ts"] == ts:
            return found[0]
        found = client.conversations_replies(channel=channel, ts=ts, latest=ts, inclusive=True, limit=1)["messages"]
        return next((message for message in found if message["ts"] == ts), None)
    except SlackApiError:
        return None


def _summary(client: WebClient, message: dict | None) -> str:
    text = plain_text(name_mentions(client, (message or {}).get("text", ""))).strip()
    return one_line(text, 300) if text else UNREADABLE
