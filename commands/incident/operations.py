"""Each /incident request carried out: check who asks, call the core, deliver its notice, answer.

Shared by the slash command, the card buttons and the modal, so a button does exactly what
its command does.
"""

from bot.deps import Deps
from commands.incident.card_blocks import render_copy
from commands.incident.follow_up_form import render_follow_up_form
from commands.incident.modal import render_broadcast_modal
from commands.incident.receipts import step_receipt
from commands.incident.reply_blocks import render_help, render_list, render_preview
from commands.modals import open_modal
from commands.people import is_member, mentions
from commands.replies import render_confirmation
from commands.text import slack_date
from commands.webhooks import reply_to
from bot.turn import Turn
from storage import incident_records as ir
from storage import incidents as core
from storage import outbox
from storage.errors import InvalidTransition, UserError
from storage.incident_effects import subject
from storage.incident_model import BroadcastPlan, FollowUp, IncidentOutcome, IncidentStatus


class NotBroadcaster(UserError):
    """Only the people listed under `incidents.broadcasters` send notices."""


def draft(turn: Turn, deps: Deps, title: str) -> None:
    outcome = core.create_incident(deps.store.db(), deps.clock(), title, turn.user, turn.channel or "", turn.request_key,
                                   reply_to(turn))
    deps.doorbell.deliver_now(subject(outcome.incident.id))


def preview(turn: Turn, deps: Deps, incident_id: int) -> None:
    incident = ir.load_incident(deps.store.db(), incident_id)
    notice = core.notice_text(deps.store.db(), incident)
    turn.reply(render_preview(incident, render_copy(incident, notice, deps.clock())), f"{incident.key} preview")


def open_broadcast(turn: Turn, deps: Deps, incident_id: int) -> None:
    require_broadcaster(turn, deps)
    incident = ir.load_incident(deps.store.db(), incident_id)
    if incident.status is not IncidentStatus.DRAFT:
        raise InvalidTransition(f"{incident.key} is {incident.status.word.lower()}, so it cannot be broadcast again.",
                                f"Follow it up with `/incident update {incident.key}`.")
    notice = core.notice_text(deps.store.db(), incident)
    modal = render_broadcast_modal(incident, deps.team.incidents.broadcast_channels, notice)
    open_modal(turn.client, turn.body["trigger_id"], modal)


def broadcast(turn: Turn, deps: Deps, incident_id: int, plan: BroadcastPlan) -> None:
    require_broadcaster(turn, deps)
    outcome = core.broadcast(deps.store.db(), deps.clock(), incident_id, turn.user, plan, turn.request_key)
    if outcome.duplicate:
        return
    if outcome.step is None:
        deps.doorbell.deliver_now(subject(incident_id))
        when = slack_date(plan.scheduled_for, "{date_short_pretty} at {time}")
        _confirm(turn, f"🗓️ *{outcome.incident.key}* goes out {when}.",
                 f"{outcome.incident.key} goes out {plan.scheduled_for:%Y-%m-%d %H:%M} UTC.")
        return
    if _delivered(deps, outcome):
        _confirm(turn, *step_receipt(outcome.incident, outcome.step))


def open_follow_up(turn: Turn, deps: Deps, incident_id: int, status: IncidentStatus | None, text: str | None,
                   resolving: bool) -> None:
    """Update and Resolve open the form; nothing reaches the channels before it is submitted."""
    require_broadcaster(turn, deps)
    incident = ir.load_incident(deps.store.db(), incident_id)
    core.require_live(incident)
    chosen = IncidentStatus.RESOLVED if resolving else status or incident.next_status
    if text is not None:  # typed with the command
        notice = FollowUp(chosen, text)
    else:
        draft = core.fresh_draft(deps.store.db(), incident)
        notice = FollowUp(chosen, draft.text, draft.ts) if draft else FollowUp(chosen, "")
    channels = [copy.channel for copy in ir.copies_of(deps.store.db(), incident_id)]
    open_modal(turn.client, turn.body["trigger_id"], render_follow_up_form(incident, channels, notice))


def follow_up(turn: Turn, deps: Deps, incident_id: int, notice: FollowUp) -> None:
    require_broadcaster(turn, deps)
    outcome = core.follow_up(deps.store.db(), deps.clock(), incident_id, turn.user, notice, turn.request_key)
    if not outcome.duplicate and _delivered(deps, outcome):
        _confirm(turn, *step_receipt(outcome.incident, outcome.step))


def retry(turn: Turn, deps: Deps, incident_id: int, step_number: int) -> None:
    require_broadcaster(turn, deps)
    outcome = core.retry_step(deps.store.db(), deps.clock(), incident_id, step_number, turn.user, turn.request_key)
    if not outcome.duplicate and _delivered(deps, outcome):
        shown, plain = step_receipt(outcome.incident, outcome.step, retry=True)
        turn.reply(render_confirmation(shown), plain)


def cancel(turn: Turn, deps: Deps, incident_id: int) -> None:
    require_broadcaster(turn, deps)
    core.cancel_schedule(deps.store.db(), deps.clock(), incident_id, turn.user, turn.request_key)
    deps.doorbell.deliver_now(subject(incident_id))


def discard(turn: Turn, deps: Deps, incident_id: int) -> None:
    incident = ir.load_incident(deps.store.db(), incident_id)
    if turn.user != incident.created_by:
        require_broadcaster(turn, deps)
    core.discard(deps.store.db(), deps.clock(), incident_id, turn.user, turn.request_key)
    deps.doorbell.deliver_now(subject(incident_id))


def show_list(turn: Turn, deps: Deps) -> None:
    incidents = ir.listed_incidents(deps.store.db())
    links = {incident.id: _copy_links(turn, deps, incident.id) for incident in incidents}
    turn.reply(render_list(incidents, links), f"{len(incidents)} incidents")


def show_help(turn: Turn) -> None:
    turn.reply(render_help(), "How to use /incident")


def require_broadcaster(turn: Turn, deps: Deps) -> None:
    broadcasters = deps.team.incidents.broadcasters
    if not is_member(turn.client, turn.user, broadcasters):
        who = mentions(broadcasters, ", ")
        raise NotBroadcaster("Only incident broadcasters can send, update or resolve notices; nothing was posted.",
                             f"Ask one of {who}." if who else "List them under `incidents.broadcasters` in app.yaml.")


def _delivered(deps: Deps, outcome: IncidentOutcome) -> bool:
    """Delivers the step here, so the receipt comes after it; True when this thread delivered its
    row, at its first try, and it reached every channel with every copy in step. Otherwise the
    delivery has told the person what is undone or that nothing is, or will when its row ends:
    another thread or process delivers it (it is still sending an earlier step), or Slack
    failed a post for now and the row is tried again."""
    here = deps.doorbell.deliver_now(subject(outcome.incident.id), requested=outcome.row)
    db = deps.store.db()
    return here and outbox.done_at_first_try(db, outcome.row) and ir.reached_everywhere(db, outcome.step)


def _confirm(turn: Turn, shown: str, plain: str) -> None:
    """Commands and the forms get a receipt; a click sees the card change instead."""
    if turn.is_command or turn.body.get("type") == "view_submission":
        turn.reply(render_confirmation(shown), plain)


def _copy_links(turn: Turn, deps: Deps, incident_id: int) -> list[str]:
    links = []
    for copy in ir.copies_of(deps.store.db(), incident_id):
        permalink = turn.client.chat_getPermalink(channel=copy.channel, message_ts=copy.ts)["permalink"]
        links.append(f"<{permalink}|copy in #{_channel_name(turn, copy.channel)}>")
    return links


def _channel_name(turn: Turn, channel: str) -> str:
    return turn.client.conversations_info(channel=channel)["channel"].get("name", channel)
