"""The incident forms: checked while Slack waits, sent after the ack."""

from bot.deps import Deps
from commands.incident import follow_up_form as follow_ups
from commands.incident import operations as op
from commands.incident.modal import incident_of, plan_errors, read_plan
from bot.turn import Turn
from storage import incident_records as ir


def check_broadcast(body: dict, deps: Deps) -> dict[str, str]:
    return plan_errors(body["view"]["state"]["values"], deps.clock())


def handle_broadcast(turn: Turn, deps: Deps) -> None:
    incident_id = incident_of(turn.body["view"])
    turn.channel = ir.load_incident(deps.store.db(), incident_id).card_channel
    op.broadcast(turn, deps, incident_id, read_plan(turn.body["view"]["state"]["values"]))


def check_follow_up(body: dict, deps: Deps) -> dict[str, str]:
    return follow_ups.follow_up_errors(body["view"]["state"]["values"])


def handle_follow_up(turn: Turn, deps: Deps) -> None:
    incident_id = follow_ups.incident_of(turn.body["view"])
    turn.channel = ir.load_incident(deps.store.db(), incident_id).card_channel
    op.follow_up(turn, deps, incident_id, follow_ups.read_follow_up(turn.body["view"]))
