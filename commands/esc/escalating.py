"""The card's Escalate button: it asks for a reason first, then moves the escalation up exactly
as the button would have, refused if the card's state changed meanwhile."""

from bot.deps import Deps
from commands.esc import operations as op
from commands.esc import parse as p
from commands.esc.card_blocks import parse_button_value
from commands.esc.escalate_form import EscalateOrigin, read_reason, reason_errors, render_escalate_form
from commands.modals import open_modal
from bot.turn import Turn
from storage.model import LINES


def open_escalate_form(turn: Turn, deps: Deps) -> None:
    value = turn.body["actions"][0]["value"]
    escalation_id, seen = parse_button_value(value)
    to_line = min(seen.line + 1, LINES[-1])
    view = render_escalate_form(deps.team, escalation_id, to_line, EscalateOrigin(value, turn.channel or ""))
    open_modal(turn.client, turn.body["trigger_id"], view)


def check_escalate_form(body: dict, deps: Deps) -> dict[str, str]:
    return reason_errors(read_reason(body["view"]["state"]["values"]))


def handle_escalate_form(turn: Turn, deps: Deps) -> None:
    origin = EscalateOrigin.from_metadata(turn.body["view"]["private_metadata"])
    turn.channel = origin.channel  # refusals reach the person where they clicked
    escalation_id, seen = parse_button_value(origin.value)
    op.move(turn, deps, p.Move(escalation_id, +1, read_reason(turn.body["view"]["state"]["values"])), seen)
