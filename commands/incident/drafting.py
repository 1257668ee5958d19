"""The drafting space: replies in a card's thread, their edits and deletions, and the explicit pick.

Every feature's `message` handler sees every message; this one quietly ignores whatever is
not a person's reply under an incident card.
"""

from bot.deps import Deps
from commands.incident.card_blocks import render_copy
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
            if _is_reply_by_person(event) and _in_draft_thread(deps, channel, event["thread_ts"]):
                core.add_revision(deps.store.db(), channel, event["thread_ts"], event["ts"], event["user"],
                                  _stored_text(turn, event.get("text", "")))
        case "message_changed":
            message = event.get("message", {})
            if _is_reply_by_person(message) and _in_draft_thread(deps, channel, message["thread_ts"]):
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


def _in_draft_thread(deps: Deps, channel: str, thread_ts: str) -> bool:
    return ir.find_by_card(deps.store.db(), channel, thread_ts) is not None


def _stored_text(turn: Turn, slack_text: str) -> str:
    """As a person reads it: `<@U1>` becomes `@Ana`, `<!channel>` the word `@channel`."""
    return plain_text(name_mentions(turn.client, slack_text)).strip()
