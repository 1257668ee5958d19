"""`/esc …`: parse the text and hand it to the matching operation."""

from bot.deps import Deps
from commands.esc import case_work
from commands.esc import operations as op
from commands.esc import parse as p
from commands.esc.card_menu import open_edit_form
from commands.esc.reply_blocks import render_help
from commands.esc.list_menu import show_list
from commands.esc.modal_view import FormOrigin, render_form
from commands.line3.acknowledging import acknowledge
from commands.modals import open_modal
from bot.turn import Turn
from storage.model import Source


def handle_esc(turn: Turn, deps: Deps) -> None:
    request = p.parse(turn.body.get("text", ""))
    match request:
        case p.OpenModal():
            origin = FormOrigin(channel=turn.channel or "", source=Source.MODAL)
            open_modal(turn.client, turn.body["trigger_id"], render_form(deps.team, origin))
        case p.New():
            op.raise_new(turn, deps, op.new_from_command(turn, request))
        case p.Take(escalation_id):
            op.take(turn, deps, escalation_id)
        case p.Ack(escalation_id):
            acknowledge(turn, deps, escalation_id)
        case p.Assign():
            op.assign(turn, deps, request)
        case p.Move():
            op.move(turn, deps, request)
        case p.Resolve():
            op.resolve(turn, deps, request)
        case p.Reopen(escalation_id):
            op.reopen(turn, deps, escalation_id)
        case p.Release(escalation_id):
            case_work.release(turn, deps, escalation_id)
        case p.Wait():
            case_work.wait(turn, deps, request)
        case p.Resume(escalation_id):
            case_work.resume(turn, deps, escalation_id)
        case p.Edit(escalation_id):
            open_edit_form(turn, deps, escalation_id)
        case p.List():
            show_list(turn, deps, request)
        case p.Show(escalation_id):
            op.show_timeline(turn, deps, escalation_id)
        case p.Handoff():
            op.handoff(turn, deps, request)
        case p.Help():
            turn.reply(render_help(deps.team), "How to use /esc")
