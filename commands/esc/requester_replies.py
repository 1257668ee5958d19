"""The requester writing in their escalation's thread while it waits on them: the customer is
back, so it resumes with the time its SLA clock had left."""

from bot.deps import Deps
from bot.turn import Turn
from storage import escalation_effects as effects
from storage import working
from storage.errors import InvalidTransition
from storage.records import find_by_thread

REPLY_SUBTYPES = (None, "thread_broadcast")


def handle_requester_reply(turn: Turn, deps: Deps) -> None:
    event = turn.body["event"]
    thread_ts = event.get("thread_ts")
    if event.get("subtype") not in REPLY_SUBTYPES or event.get("bot_id") or thread_ts in (None, event.get("ts")):
        return
    esc = find_by_thread(deps.store.db(), event.get("channel", ""), thread_ts)
    if esc is None or not esc.is_waiting or event.get("user") != esc.requester:
        return
    try:  # its own key: the same message may also be a line-3 reply, handled beside this one
        outcome = working.resume(deps.store.db(), deps.clock(), esc.id, esc.requester, f"{turn.request_key}:resume",
                                 policy=deps.team.sla)
    except InvalidTransition:
        return  # resumed by someone else a moment ago: the message was no request to be refused
    if not outcome.duplicate:
        deps.doorbell.deliver_now(effects.subject(esc.id))
