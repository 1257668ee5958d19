"""The drafting space: replies in a card's thread, their edits and deletions, and the explicit pick.

Every feature's `message` handler sees every message; this one quietly ignores whatever is
not a person's reply under an incident card.
"""

from datetime import UTC, datetime

from bot.deps import Deps
from commands.incident.card_blocks import render_copy
from commands.incident.card_posts import CARD_METADATA
from commands.message_search import find_message
from commands.incident.reply_blocks import render_preview
from commands.people import name_mentions
from commands.text import plain_text
from bot.turn import Turn
from storage import incident_records as ir
from storage import incidents as core


def handle_message(turn: Turn, deps: Deps) -> None:
    event = turn.body["event"]
    channel = event.get("channel", "")
    match event.get("subtype"):
        case None | "thread_broadcast":
            if _is_reply_by_person(event) and _in_draft_thread(turn, deps, channel, event["thread_ts"]):
                core.add_revision(deps.store.db(), channel, event["thread_ts"], event["ts"], event["user"],
                                  _stored_text(turn, event.get("text", "")))
        case "message_changed":
            message = event.get("message", {})
            if _is_reply_by_person(message) and _in_draft_thread(turn, deps, channel, message["thread_ts"]):
                core.edit_revision(deps.store.db(), channel, message["thread_ts"], message["ts"], message["user"],
                                   _stored_text(turn, message.get("text", "")))
        case "message_deleted":
            before = event.get("previous_message", {})
            if before.get("thread_ts") and before.get("thread_ts") != event.get("deleted_ts"):
                core.delete_revision(deps.store.db(), channel, before["thread_ts"], event["deleted_ts"])


def handle_pick(turn: Turn, deps: Deps) -> None:
    """The "Use as incident notice" shortcut on a reply: that reply is the draft from now on."""
    message = turn.body["message"]
    incident = core.pick_revision(
        deps.store.db(), deps.clock(), turn.channel or "", message.get("thread_ts") or message["ts"], message["ts"],
        message.get("user", ""), _stored_text(turn, message.get("text", "")), turn.user)
    notice = core.notice_text(deps.store.db(), incident)
    blocks = render_preview(incident, render_copy(incident, notice, deps.clock()))
    turn.reply(blocks, f"{incident.key} now uses this reply as its notice")


def _is_reply_by_person(message: dict) -> bool:
    thread_ts = message.get("thread_ts")
    return bool(thread_ts and thread_ts != message.get("ts") and message.get("user") and not message.get("bot_id"))


def _in_draft_thread(turn: Turn, deps: Deps, channel: str, thread_ts: str) -> bool:
    """A reply can arrive before the bot has recorded its card's ts (a quick person, a busy
    database): while a card in the channel is unrecorded, the thread's top message says by its
    metadata whether it is that card, and the card is recorded from it."""
    if ir.find_by_card(deps.store.db(), channel, thread_ts) is not None:
        return True
    in_flight = ir.cards_in_flight(deps.store.db(), channel)
    if not in_flight:
        return False
    incident_id = _card_incident(turn, channel, thread_ts)
    if incident_id not in in_flight:
        return False
    core.attach_card(deps.store.db(), deps.clock(), incident_id, thread_ts)
    return True


def _card_incident(turn: Turn, channel: str, thread_ts: str) -> int | None:
    top = find_message(turn.client, channel, lambda message: message.get("ts") == thread_ts,
                       datetime.fromtimestamp(float(thread_ts), UTC), thread_ts,
                       what="an incident card")
    metadata = (top or {}).get("metadata") or {}
    if metadata.get("event_type") != CARD_METADATA:
        return None
    return metadata.get("event_payload", {}).get("incident_id")


def _stored_text(turn: Turn, slack_text: str) -> str:
    """As a person reads it: `<@U1>` becomes `@Ana`, `<!channel>` the word `@channel`."""
    return plain_text(name_mentions(turn.client, slack_text)).strip()
