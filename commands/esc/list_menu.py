"""`/esc list` and what it offers: pages most urgent first, "Next page" in place of the page it
was clicked on, and each row's menu (Take, Assign…, Show), which does what the commands do."""

from bot.deps import Deps
from commands.esc import ids
from commands.esc import operations as op
from commands.esc import parse as p
from commands.esc.modal_view import read_assign_form, render_assign_form
from commands.esc.reply_blocks import render_list
from bot.turn import Turn
from storage.backlog import Page, open_page


def show_list(turn: Turn, deps: Deps, request: p.List) -> None:
    page = _page(turn, deps, request)
    turn.reply(render_list(page, deps.team), _text(page))


def show_next_page(turn: Turn, deps: Deps, request: p.List) -> None:
    """The next page replaces the ephemeral list the button was on; if its response_url has
    expired, the page comes as a new message instead."""
    page = _page(turn, deps, request)
    blocks, text = render_list(page, deps.team), _text(page)
    try:
        replaced = turn.respond(blocks=blocks, text=text, response_type="ephemeral", replace_original=True).status_code == 200
    except OSError:
        replaced = False
    if not replaced:
        turn.reply(blocks, text)


def handle_row_menu(turn: Turn, deps: Deps) -> None:
    verb, escalation_id = p.parse_row_choice(turn.body["actions"][0]["selected_option"]["value"])
    match verb:
        case "take":
            op.take(turn, deps, escalation_id)
        case "assign":
            turn.client.views_open(trigger_id=turn.body["trigger_id"], view=render_assign_form(escalation_id, turn.channel or ""))
        case "show":
            op.show_timeline(turn, deps, escalation_id)


def check_assign_form(body: dict, deps: Deps) -> dict[str, str]:
    _, _, picked = read_assign_form(body["view"])
    return {} if picked else {ids.BLOCK_ASSIGNEE: "Pick the teammate who takes it."}


def handle_assign_form(turn: Turn, deps: Deps) -> None:
    escalation_id, channel, picked = read_assign_form(turn.body["view"])
    turn.channel = channel
    op.assign(turn, deps, p.Assign(escalation_id, picked))


def _page(turn: Turn, deps: Deps, request: p.List) -> Page:
    return open_page(deps.store.db(), request.view, turn.user, deps.clock(), request.after)


def _text(page: Page) -> str:
    return f"{page.total} escalations"
