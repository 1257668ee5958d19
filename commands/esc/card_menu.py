"""The queue card's menu (Edit…, Wait on customer / Resume, Release) and the edit form it opens:
each does what its command does."""

from bot.deps import Deps
from commands.esc import case_work
from commands.esc import parse as p
from commands.esc.card_blocks import CARD_CHOICES, parse_button_value
from commands.esc.edit_form import read_edit_origin, render_edit_form
from commands.esc.modal_view import detail_errors, read_details
from commands.modals import open_modal
from bot.turn import Turn
from storage.errors import UserError
from storage.queries import get_escalation

def handle_card_menu(turn: Turn, deps: Deps) -> None:
    chosen = turn.body["actions"][0].get("selected_option") or {}
    verb, _, value = str(chosen.get("value", "")).partition("|")
    if verb not in CARD_CHOICES:
        raise UserError("That menu is out of date.", "Use the card's latest menu, or the slash command.")
    escalation_id, seen = parse_button_value(value)
    match verb:
        case "edit":
            open_edit_form(turn, deps, escalation_id)
        case "wait":
            case_work.wait(turn, deps, p.Wait(escalation_id, None))
        case "resume":
            case_work.resume(turn, deps, escalation_id)
        case "release":
            case_work.release(turn, deps, escalation_id, seen)


def open_edit_form(turn: Turn, deps: Deps, escalation_id: int) -> None:
    esc = get_escalation(deps.store.db(), escalation_id)
    open_modal(turn.client, turn.body["trigger_id"], render_edit_form(esc, deps.team, turn.channel or ""))


def check_edit_form(body: dict, deps: Deps) -> dict[str, str]:
    return detail_errors(read_details(body["view"]["state"]["values"]), deps.team)


def handle_edit_form(turn: Turn, deps: Deps) -> None:
    escalation_id, channel = read_edit_origin(turn.body["view"])
    turn.channel = channel  # refusals reach the person where they opened the form
    case_work.edit(turn, deps, escalation_id, read_details(turn.body["view"]["state"]["values"]))
