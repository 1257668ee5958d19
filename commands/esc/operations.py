"""Each /esc request carried out: call the core, answer the person.

Shared by the slash command, the card buttons and the form, so a button does exactly what
its command does. The core commits the cards and notes a change needs as outbox rows
(commands/esc/cards.py delivers them); the request's thread delivers them before it answers.
"""

from bot.deps import Deps
from commands.esc import parse as p
from commands.esc.refusals import in_slack_words, line_3_crew
from commands.esc.reply_blocks import render_timeline
from commands.people import require_person
from commands.replies import render_confirmation
from commands.webhooks import reply_to
from bot.turn import Turn
from storage import escalation_effects as effects
from storage import escalations as core
from storage.model import Action, NewEscalation, Outcome, Source
from storage.ownership import Seen
from storage.queries import get_escalation, timeline
from storage.sla import ACK_LINE

ACK_RECEIPT = "👀 You acknowledged *{key}* on line {line}. It is yours now."


def raise_new(turn: Turn, deps: Deps, new: NewEscalation) -> None:
    """The card in the channel is the answer; a refused card is said by its delivery."""
    outcome = core.raise_escalation(deps.store.db(), deps.clock(), new, turn.request_key, deps.team.sla, reply_to(turn),
                                    deliverer=deps.doorbell.deliverer)
    deps.doorbell.deliver_now(effects.subject(outcome.escalation.id), outcome.delivery)


def take(turn: Turn, deps: Deps, escalation_id: int, seen: Seen | None = None) -> None:
    """On line 3 only its crew may take: its user groups are read from Slack only then."""
    line = seen.line if seen else get_escalation(deps.store.db(), escalation_id).line
    crew = line_3_crew(turn.client, deps.team) if line == ACK_LINE else None
    with in_slack_words(deps.team):
        outcome = core.take(deps.store.db(), deps.clock(), escalation_id, turn.user, turn.request_key, deps.team.sla,
                            reply_to(turn), seen=seen, crew=crew)
    changed(turn, deps, outcome, _take_receipt(outcome))


def _take_receipt(outcome: Outcome) -> str:
    event = outcome.events[0] if outcome.events else None
    if event and event.action is Action.ACKNOWLEDGED:
        return ACK_RECEIPT
    if event and event.from_value:
        return f"🙋 You took *{{key}}* over from <@{event.from_value}> on line {{line}}."
    return "🙋 You own *{key}* on line {line}."


def assign(turn: Turn, deps: Deps, request: p.Assign) -> None:
    require_person(turn.client, request.user, p.USAGE["assign"])
    outcome = core.assign(deps.store.db(), deps.clock(), request.escalation_id, turn.user, request.user,
                          turn.request_key, deps.team.sla, reply_to(turn))
    changed(turn, deps, outcome, f"👉 *{{key}}* now belongs to <@{request.user}> on line {{line}}.")


def move(turn: Turn, deps: Deps, request: p.Move, seen: Seen | None = None) -> None:
    with in_slack_words(deps.team):
        outcome = core.move(deps.store.db(), deps.clock(), request.escalation_id, turn.user, request.step,
                            request.reason, turn.request_key, seen=seen, policy=deps.team.sla, reply_to=reply_to(turn))
    changed(turn, deps, outcome, "Moved *{key}* to line {line}.")


def resolve(turn: Turn, deps: Deps, request: p.Resolve, seen: Seen | None = None) -> None:
    with in_slack_words(deps.team):
        outcome = core.resolve(deps.store.db(), deps.clock(), request.escalation_id, turn.user, request.note,
                               turn.request_key, deps.team.sla, reply_to(turn),
                               survey=deps.team.reports.survey_on_resolve, seen=seen)
    changed(turn, deps, outcome, "✅ Resolved *{key}*.")


def reopen(turn: Turn, deps: Deps, escalation_id: int) -> None:
    outcome = core.reopen(deps.store.db(), deps.clock(), escalation_id, turn.user, turn.request_key, deps.team.sla,
                          reply_to(turn))
    changed(turn, deps, outcome, "↩️ Reopened *{key}*.")


def handoff(turn: Turn, deps: Deps, request: p.Handoff) -> None:
    require_person(turn.client, request.user, p.USAGE["handoff"])
    outcomes = core.handoff(deps.store.db(), deps.clock(), turn.user, request.user, turn.request_key, deps.team.sla,
                            reply_to(turn))
    for outcome in outcomes:
        deps.doorbell.deliver_now(effects.subject(outcome.escalation.id))
    if outcomes:
        keys = ", ".join(outcome.escalation.key for outcome in outcomes)
        _confirm(turn, f"🤝 Handed {len(outcomes)} to <@{request.user}>: {keys}.")


def show_timeline(turn: Turn, deps: Deps, escalation_id: int) -> None:
    esc, events = timeline(deps.store.db(), escalation_id)
    turn.reply(render_timeline(esc, events, deps.team), f"{esc.key} timeline")


def new_from_command(turn: Turn, request: p.New) -> NewEscalation:
    return NewEscalation(summary=request.summary, requester=turn.user, channel=turn.channel or "",
                         source=Source.COMMAND, priority=request.priority, line=request.line)


def changed(turn: Turn, deps: Deps, outcome: Outcome, confirmation: str) -> None:
    if outcome.duplicate:
        return
    deps.doorbell.deliver_now(effects.subject(outcome.escalation.id))
    esc = outcome.escalation
    _confirm(turn, confirmation.format(key=esc.key, line=esc.line))


def _confirm(turn: Turn, text: str) -> None:
    """Commands get an ephemeral receipt; clicks and reactions see the card change instead, and
    a new escalation's card appears where it was raised."""
    if turn.is_command:
        turn.reply(render_confirmation(text), text)
