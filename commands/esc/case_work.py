"""`/esc release`, `wait`, `resume` and `edit`, from the command, the card's menu or the edit
form: the same core call, answered like the other operations (commands/esc/operations.py)."""

from bot.deps import Deps
from commands.esc import parse as p
from commands.esc.operations import changed
from commands.webhooks import reply_to
from commands.esc.refusals import in_slack_words, lead_members
from bot.turn import Turn
from storage import working
from storage.model import Details
from storage.ownership import Seen


def release(turn: Turn, deps: Deps, escalation_id: int, seen: Seen | None = None) -> None:
    with in_slack_words(deps.team):
        outcome = working.release(deps.store.db(), deps.clock(), escalation_id, turn.user, turn.request_key,
                                  lead_members(turn.client, deps.team), deps.team.sla, reply_to(turn), seen)
    changed(turn, deps, outcome, "↩️ *{key}* is back in line {line}'s queue, unowned.")


def wait(turn: Turn, deps: Deps, request: p.Wait) -> None:
    with in_slack_words(deps.team):
        outcome = working.wait(deps.store.db(), deps.clock(), request.escalation_id, turn.user, request.reason,
                               turn.request_key, lead_members(turn.client, deps.team), deps.team.sla, reply_to(turn))
    changed(turn, deps, outcome, "⏸ *{key}* is waiting on the customer; its SLA clock is paused. "
                                 f"Resume it with `{p.USAGE['resume']}`.")


def resume(turn: Turn, deps: Deps, escalation_id: int) -> None:
    with in_slack_words(deps.team):
        outcome = working.resume(deps.store.db(), deps.clock(), escalation_id, turn.user, turn.request_key,
                                 lead_members(turn.client, deps.team), deps.team.sla, reply_to(turn))
    changed(turn, deps, outcome, "▶️ *{key}* is being worked again; its SLA clock runs with the time it had left.")


def edit(turn: Turn, deps: Deps, escalation_id: int, details: Details) -> None:
    with in_slack_words(deps.team):
        outcome = working.edit(deps.store.db(), deps.clock(), escalation_id, turn.user, details, turn.request_key,
                               lead_members(turn.client, deps.team), deps.team.sla, reply_to(turn))
    changed(turn, deps, outcome, "✏️ Saved your changes to *{key}*.")
