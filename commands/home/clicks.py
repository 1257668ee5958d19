"""What people do on their Home: its escalation buttons run the card's own handlers (same rules,
same audit events, same card updates); a refusal opens a small modal saying why."""

import dataclasses

from commands.block_kit import input_state
from bot.deps import Deps
from commands.esc.buttons import handle_button
from commands.esc.form import raise_from_form
from commands.esc.modal_view import FormOrigin, render_form
from commands.home import ids
from commands.line3.acknowledging import handle_ack_button
from commands.line3.ids import ACTION_ACK
from commands.modals import open_modal
from bot.turn import Turn
from storage import home_visits
from storage.model import Source
from storage.team_figures import PERIODS


def handle_home_button(turn: Turn, deps: Deps) -> None:
    """A refusal reaches the person as every reply from Home does: a small modal (bot/turn.py)."""
    action = turn.body["actions"][0]
    action["action_id"] = ids.CARD_ACTION[action["action_id"]]
    handler = handle_ack_button if action["action_id"] == ACTION_ACK else handle_button
    handler(turn, deps)


def open_new_form(turn: Turn, deps: Deps) -> None:
    """The `/esc` form, with a picker for the channel the escalation belongs to."""
    team = deps.team
    default = (team.watch_channels or (team.line(1).channel,))[0]
    view = render_form(team, FormOrigin(channel=default, source=Source.MODAL))
    picker = {"type": "conversations_select", "action_id": ids.INPUT_CHANNEL, "initial_conversation": default,
              "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    channel = {"type": "input", "block_id": ids.BLOCK_CHANNEL, "label": {"type": "plain_text", "text": "Channel"},
               "element": picker, "hint": {"type": "plain_text", "text": "Where it belongs: its card is posted there."}}
    open_modal(turn.client, turn.body["trigger_id"], dict(view, callback_id=ids.MODAL_NEW, blocks=[channel, *view["blocks"]]))


def handle_new_form(turn: Turn, deps: Deps) -> None:
    """Raised as if from the `/esc` form in the picked channel; a refusal is told on Home, where
    the person is, not in that channel."""
    view = turn.body["view"]
    picked = input_state(view["state"]["values"], ids.BLOCK_CHANNEL, ids.INPUT_CHANNEL).get("selected_conversation")
    origin = FormOrigin.from_metadata(view["private_metadata"])
    raise_from_form(turn, deps, dataclasses.replace(origin, channel=picked or origin.channel))


def handle_period(turn: Turn, deps: Deps) -> None:
    """A lead's "30 days" / "7 days" toggle."""
    value = turn.body["actions"][0]["value"]
    if value not in {str(days) for days in PERIODS}:
        return  # not a value this Home offers: nothing to switch to
    home_visits.choose_period(deps.store.db(), deps.clock(), turn.user, int(value))
    deps.doorbell.deliver_now(home_visits.subject(turn.user))


def handle_home_opened(turn: Turn, deps: Deps) -> None:
    """Only the Home tab counts as opened (not the Messages tab)."""
    if turn.body["event"].get("tab") != ids.TAB_HOME:
        return
    home_visits.open_home(deps.store.db(), deps.clock(), turn.user)
    deps.doorbell.deliver_now(home_visits.subject(turn.user))
