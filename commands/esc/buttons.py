"""The card's Take / Escalate / Resolve / Reopen buttons, the leads' alert's Assign… and the list's
"Next page": the same operations as the commands (Escalate asks for a reason first, Assign… for
a person)."""

from bot.deps import Deps
from commands.esc import ids
from commands.esc import operations as op
from commands.esc import parse as p
from commands.esc.card_blocks import parse_button_value
from commands.esc.escalating import open_escalate_form
from commands.esc.list_menu import show_next_page
from commands.esc.modal_view import render_assign_form
from bot.turn import Turn


def handle_button(turn: Turn, deps: Deps) -> None:
    action = turn.body["actions"][0]
    escalation_id, seen = parse_button_value(action["value"])
    match action["action_id"]:
        case ids.ACTION_TAKE:
            op.take(turn, deps, escalation_id, seen)
        case ids.ACTION_ESCALATE:
            open_escalate_form(turn, deps)
        case ids.ACTION_RESOLVE:
            op.resolve(turn, deps, p.Resolve(escalation_id, None), seen)
        case ids.ACTION_REOPEN:
            op.reopen(turn, deps, escalation_id)
        case ids.ACTION_ASSIGN:
            turn.client.views_open(trigger_id=turn.body["trigger_id"], view=render_assign_form(escalation_id, turn.channel or ""))


def handle_next_page(turn: Turn, deps: Deps) -> None:
    """The list's "Next page": the button says where the last page stopped."""
    show_next_page(turn, deps, p.parse_next_page(turn.body["actions"][0]["value"]))
