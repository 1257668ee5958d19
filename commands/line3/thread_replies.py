"""Messages in the line-3 channel: a reply in a card's thread is either an acknowledgement
(`ack`, `ack!`, `acked`, `on it`, `taking this`, opening the message) or an update that is
mirrored to the asker; edits and deletions of mirrored replies follow them."""

import re

from bot.deps import Deps
from commands.line3.acknowledging import acknowledge
from commands.line3.mirroring import mirror_delete, mirror_edit, mirror_reply
from commands.text import plain_text
from bot.turn import Turn
from storage.queries import escalation_of_card, get_escalation
from storage.sla import ACK_LINE

ACK_WORDS = re.compile(r"^\s*(?:ack!?|acked|on it|taking this)(?![\w'])", re.IGNORECASE)
REPLY_SUBTYPES = (None, "thread_broadcast")


def is_ack(text: str) -> bool:
    return bool(ACK_WORDS.match(plain_text(text)))


def handle_message(turn: Turn, deps: Deps) -> None:
    event = turn.body["event"]
    line = deps.team.line(ACK_LINE)
    if event.get("channel") != line.channel:
        return
    subtype = event.get("subtype")
    if subtype == "message_changed":
        mirror_edit(deps, line.channel, event.get("message", {}))
    elif subtype == "message_deleted":
        mirror_delete(deps, line.channel, event.get("deleted_ts", ""))
    elif subtype in REPLY_SUBTYPES and not event.get("bot_id"):
        _reply(turn, deps, event, mirror=line.mirror_replies)


def _reply(turn: Turn, deps: Deps, event: dict, mirror: bool) -> None:
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return
    escalation_id = escalation_of_card(deps.store.db(), event["channel"], thread_ts)
    if escalation_id is None:
        return
    if is_ack(event.get("text", "")):
        acknowledge(turn, deps, escalation_id, reply=(event["channel"], event["ts"]))
    elif mirror:
        mirror_reply(deps, get_escalation(deps.store.db(), escalation_id), event)
