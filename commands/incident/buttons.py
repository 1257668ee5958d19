"""The draft card's buttons and the Retry button: the same operations as the commands."""

from commands.button_values import numbers_in
from bot.deps import Deps
from commands.incident import ids
from commands.incident import operations as op
from commands.incident.failure_blocks import parse_retry_value
from bot.turn import Turn


def handle_card_button(turn: Turn, deps: Deps) -> None:
    action = turn.body["actions"][0]
    (incident_id,) = numbers_in(action["value"], 1)
    match action["action_id"]:
        case ids.ACTION_PREVIEW:
            op.preview(turn, deps, incident_id)
        case ids.ACTION_BROADCAST:
            op.open_broadcast(turn, deps, incident_id)
        case ids.ACTION_DISCARD:
            op.discard(turn, deps, incident_id)
        case ids.ACTION_UPDATE:
            op.open_follow_up(turn, deps, incident_id, None, None, resolving=False)
        case ids.ACTION_RESOLVE:
            op.open_follow_up(turn, deps, incident_id, None, None, resolving=True)
        case ids.ACTION_CANCEL:
            op.cancel(turn, deps, incident_id)


def handle_retry(turn: Turn, deps: Deps) -> None:
    op.retry(turn, deps, *parse_retry_value(turn.body["actions"][0]["value"]))
