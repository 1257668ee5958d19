"""The broadcast confirmation: the notice it sends, channels (preselected from app.yaml),
severity, @here, and an optional time for planned work."""

import re
from datetime import datetime, timedelta, timezone

from commands.block_kit import input_state
from commands.incident import ids
from commands.incident.card_blocks import SEVERITY_BADGE
from commands.text import clip, escape
from storage.incident_model import DEFAULT_SEVERITY, SEVERITIES, BroadcastPlan, Incident

MAX_CHANNELS = 100
SCHEDULE_HORIZON = timedelta(days=365)  # planned work is announced weeks ahead, not years
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,20}")  # public (C…) and private (G… in older workspaces)


def render_broadcast_modal(incident: Incident, channels: tuple[str, ...], notice: str) -> dict:
    channel_picker = {"type": "multi_conversations_select", "action_id": ids.INPUT_CHANNELS,
                      "placeholder": {"type": "plain_text", "text": "Where should the notice go?"},
                      "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    if channels:
        channel_picker["initial_conversations"] = list(channels)
    severity = {"type": "static_select", "action_id": ids.INPUT_SEVERITY,
                "options": [_option(value) for value in SEVERITIES], "initial_option": _option(DEFAULT_SEVERITY)}
    notify = {"type": "checkboxes", "action_id": ids.INPUT_NOTIFY, "options": [{
        "text": {"type": "mrkdwn", "text": "Notify each channel with *@here*"}, "value": ids.NOTIFY_HERE}]}
    schedule = {"type": "datetimepicker", "action_id": ids.INPUT_SCHEDULE}
    return {
        "type": "modal",
        "callback_id": ids.MODAL_BROADCAST,
        "private_metadata": str(incident.id),
        "title": {"type": "plain_text", "text": f"Broadcast {incident.key}"},
        "submit": {"type": "plain_text", "text": "Broadcast"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": clip("*Every channel gets this notice:*\n"
                                                                         + escape(notice), 3000)}},
            input_block(ids.BLOCK_CHANNELS, "Channels", channel_picker),
            input_block(ids.BLOCK_SEVERITY, "Severity", severity),
            input_block(ids.BLOCK_NOTIFY, "Notification", notify, optional=True),
            input_block(ids.BLOCK_SCHEDULE, "Send later (planned work)", schedule, optional=True,
                   hint="Leave empty to send now. The draft card shows it with a Cancel button until then."),
        ],
    }


def _option(severity: str) -> dict:
    return {"text": {"type": "plain_text", "text": SEVERITY_BADGE[severity]}, "value": severity}


def input_block(block_id: str, label: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label},
             "element": element, "optional": optional}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def incident_of(view: dict) -> int:
    return int(view["private_metadata"])


def read_plan(state_values: dict) -> BroadcastPlan:
    """The plan of a submission that plan_errors found nothing wrong with."""
    when = _picked_time(state_values)
    return BroadcastPlan(
        channels=_channels(state_values),
        severity=_severity(state_values) or DEFAULT_SEVERITY,
        notify_here=ids.NOTIFY_HERE in _checked(state_values),
        scheduled_for=datetime.fromtimestamp(when, timezone.utc) if when is not None else None,
    )


def plan_errors(state_values: dict, now: datetime) -> dict[str, str]:
    """Per-field messages Slack shows under the inputs; empty when the plan is fine.

    Read from the raw values, since a submission may carry anything its element type allows:
    ids of channels never offered, an option not listed, or a time no calendar holds."""
    errors = {}
    channels, severity, when = _channels(state_values), _severity(state_values), _picked_time(state_values)
    if not channels:
        errors[ids.BLOCK_CHANNELS] = "Pick at least one channel."
    elif len(channels) > MAX_CHANNELS:
        errors[ids.BLOCK_CHANNELS] = f"Pick at most {MAX_CHANNELS} channels."
    elif unknown := [channel for channel in channels if not _is_channel_id(channel)]:
        errors[ids.BLOCK_CHANNELS] = f"{clip(str(unknown[0]), 40)} is not a channel. Pick channels from the list."
    if severity is not None and severity not in SEVERITIES:
        errors[ids.BLOCK_SEVERITY] = "Pick one of the listed severities."
    if when is not None and not _plannable(when, now):
        errors[ids.BLOCK_SCHEDULE] = "Pick a time in the future, at most a year ahead, or leave it empty to send now."
    return errors


def _channels(state_values: dict) -> tuple:
    picked = input_state(state_values, ids.BLOCK_CHANNELS, ids.INPUT_CHANNELS).get("selected_conversations") or []
    return tuple(dict.fromkeys(picked))


def _severity(state_values: dict) -> str | None:
    return (input_state(state_values, ids.BLOCK_SEVERITY, ids.INPUT_SEVERITY).get("selected_option") or {}).get("value")


def _checked(state_values: dict) -> set:
    options = input_state(state_values, ids.BLOCK_NOTIFY, ids.INPUT_NOTIFY).get("selected_options") or []
    return {option.get("value") for option in options}


def _picked_time(state_values: dict):
    return input_state(state_values, ids.BLOCK_SCHEDULE, ids.INPUT_SCHEDULE).get("selected_date_time")


def _plannable(when, now: datetime) -> bool:
    """Slack sends the picked moment as whole Unix seconds; anything else is no time to plan for."""
    is_seconds = isinstance(when, int) and not isinstance(when, bool)
    return is_seconds and now.timestamp() < when <= (now + SCHEDULE_HORIZON).timestamp()


def _is_channel_id(channel) -> bool:
    return isinstance(channel, str) and CHANNEL_ID.fullmatch(channel) is not None
