"""The update form behind Update and Resolve: the words every copy will show, editable, the
status, and a submit button that says how many channels it goes to. Nothing is posted before
it is submitted."""

import json

from commands.block_kit import input_state, typed_text
from commands.incident import ids
from commands.incident.card_blocks import STATUS_BADGE
from commands.incident.modal import input_block
from commands.text import too_long
from storage.incident_model import FOLLOW_UP_STATUSES, FollowUp, Incident, IncidentStatus

TEXT_LIMIT = 3000  # a section's text, which is where every copy shows it


def render_follow_up_form(incident: Incident, channels: list[str], notice: FollowUp) -> dict:
    """`notice` pre-fills the form: the status to move to, the draft reply's words and its ts."""
    resolving = notice.status is IncidentStatus.RESOLVED
    where = ", ".join(f"<#{channel}>" for channel in channels) or "no channel yet"
    status = {"type": "static_select", "action_id": ids.INPUT_FOLLOW_UP_STATUS,
              "options": [_option(value) for value in FOLLOW_UP_STATUSES], "initial_option": _option(notice.status)}
    words = {"type": "plain_text_input", "action_id": ids.INPUT_FOLLOW_UP_TEXT, "multiline": True,
             "max_length": TEXT_LIMIT}
    if notice.text:
        words["initial_value"] = notice.text
    hint = ("Every copy shows it, below the status Resolved." if resolving else
            "Posted under every copy, which then shows it. Leave it empty to change only the status; "
            "Resolved needs a closing message.")
    return {
        "type": "modal",
        "callback_id": ids.MODAL_FOLLOW_UP,
        "private_metadata": json.dumps({"incident_id": incident.id, "draft_ts": notice.draft_ts}),
        "title": {"type": "plain_text", "text": f"{'Resolve' if resolving else 'Update'} {incident.key}"},
        "submit": {"type": "plain_text", "text": f"Post to {channel_count(channels)}"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"Goes to {where}."}},
            input_block(ids.BLOCK_FOLLOW_UP_STATUS, "Status", status),
            input_block(ids.BLOCK_FOLLOW_UP_TEXT, "Closing message" if resolving else "Update", words,
                   optional=not resolving, hint=hint),
        ],
    }


def incident_of(view: dict) -> int:
    return int(json.loads(view["private_metadata"])["incident_id"])


def read_follow_up(view: dict) -> FollowUp:
    """The follow-up of a submission that follow_up_errors found nothing wrong with."""
    values = view["state"]["values"]
    return FollowUp(status=IncidentStatus(_status(values)), text=_text(values),
                    draft_ts=json.loads(view["private_metadata"]).get("draft_ts"))


def follow_up_errors(state_values: dict) -> dict[str, str]:
    """Per-field messages Slack shows under the inputs; empty when the form is fine."""
    errors = {}
    status, text = _status(state_values), _text(state_values)
    if status not in {str(value) for value in FOLLOW_UP_STATUSES}:
        errors[ids.BLOCK_FOLLOW_UP_STATUS] = "Pick one of the listed statuses."
    if len(text) > TEXT_LIMIT:
        errors[ids.BLOCK_FOLLOW_UP_TEXT] = too_long(text, TEXT_LIMIT)
    elif status == IncidentStatus.RESOLVED and not text:
        errors[ids.BLOCK_FOLLOW_UP_TEXT] = "Write the closing message: what was fixed, and what customers should do now."
    return errors


def _status(state_values: dict):
    chosen = input_state(state_values, ids.BLOCK_FOLLOW_UP_STATUS, ids.INPUT_FOLLOW_UP_STATUS).get("selected_option")
    return (chosen or {}).get("value")


def _text(state_values: dict) -> str:
    return typed_text(state_values, ids.BLOCK_FOLLOW_UP_TEXT, ids.INPUT_FOLLOW_UP_TEXT)


def _option(status: IncidentStatus) -> dict:
    return {"text": {"type": "plain_text", "text": STATUS_BADGE[status]}, "value": str(status)}


def channel_count(channels: list[str] | tuple[str, ...]) -> str:
    return f"{len(channels)} channel{'' if len(channels) == 1 else 's'}"
