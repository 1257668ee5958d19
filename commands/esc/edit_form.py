"""The form `/esc edit` and the card's **Edit…** open: summary, priority, category and customer
reference, filled in as they are, asked and checked as the raise form does."""

import json

from bot.config import TeamConfig
from commands.esc import ids
from commands.esc.modal_view import detail_inputs
from storage.model import Escalation


def render_edit_form(esc: Escalation, team: TeamConfig, channel: str) -> dict:
    """The escalation and the channel to answer in ride in private_metadata."""
    return {
        "type": "modal",
        "callback_id": ids.MODAL_EDIT,
        "private_metadata": json.dumps({"escalation_id": esc.id, "channel": channel}),
        "title": {"type": "plain_text", "text": f"Edit {esc.key}"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": detail_inputs(team, esc.details),
    }


def read_edit_origin(view: dict) -> tuple[int, str]:
    """(escalation id, the channel it was opened from)."""
    origin = json.loads(view["private_metadata"])
    return int(origin["escalation_id"]), origin["channel"]
