"""The broadcast confirmation: channels (preselected from app.yaml), severity, @here, and an
optional time for planned work."""

from datetime import datetime, timezone

from commands.incident import ids
from commands.incident.card_blocks import SEVERITY_BADGE
from storage.incident_model import DEFAULT_SEVERITY, SEVERITIES, BroadcastPlan, Incident

MAX_CHANNELS = 100


def render_broadcast_modal(incident: Incident, channels: tuple[str, ...]) -> dict:
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
            _input(ids.BLOCK_CHANNELS, "Channels", channel_picker),
            _input(ids.BLOCK_SEVERITY, "Severity", severity),
            _input(ids.BLOCK_NOTIFY, "Notification", notify, optional=True),
            _input(ids.BLOCK_SCHEDULE, "Send later (planned work)", schedule, optional=True,
                   hint="Leave empty to send now. The draft card shows it with a Cancel button until then."),
        ],
    }


def _option(severity: str) -> dict:
    return {"text": {"type": "plain_text", "text": SEVERITY_BADGE[severity]}, "value": severity}


def _input(block_id: str, label: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label},
             "element": element, "optional": optional}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def incident_of(view: dict) -> int:
    return int(view["private_metadata"])


def read_plan(state_values: dict) -> BroadcastPlan:
    def element(block_id: str, action_id: str) -> dict:
        return state_values.get(block_id, {}).get(action_id, {})

    severity = (element(ids.BLOCK_SEVERITY, ids.INPUT_SEVERITY).get("selected_option") or {}).get("value")
    checked = {option["value"] for option in element(ids.BLOCK_NOTIFY, ids.INPUT_NOTIFY).get("selected_options") or []}
    when = element(ids.BLOCK_SCHEDULE, ids.INPUT_SCHEDULE).get("selected_date_time")
    return BroadcastPlan(
        channels=tuple(dict.fromkeys(element(ids.BLOCK_CHANNELS, ids.INPUT_CHANNELS).get("selected_conversations") or [])),
        severity=severity or DEFAULT_SEVERITY,
        notify_here=ids.NOTIFY_HERE in checked,
        scheduled_for=datetime.fromtimestamp(int(when), timezone.utc) if when else None,
    )


def plan_errors(plan: BroadcastPlan, now: datetime) -> dict[str, str]:
    """Per-field messages Slack shows under the inputs; empty when the plan is fine."""
    errors = {}
    if not plan.channels:
        errors[ids.BLOCK_CHANNELS] = "Pick at least one channel."
    elif len(plan.channels) > MAX_CHANNELS:
        errors[ids.BLOCK_CHANNELS] = f"Pick at most {MAX_CHANNELS} channels."
    if plan.severity not in SEVERITIES:
        errors[ids.BLOCK_SEVERITY] = "Pick one of the listed severities."
    if plan.scheduled_for and plan.scheduled_for <= now:
        errors[ids.BLOCK_SCHEDULE] = "Pick a time in the future, or leave it empty to send now."
    return errors
