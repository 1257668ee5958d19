"""The "New escalation" form, shared by `/esc` and the "Escalate message" shortcut."""

import json
from dataclasses import dataclass

from bot.config import TeamConfig
from commands.esc import ids
from commands.text import clip
from storage.model import DEFAULT_PRIORITY, PRIORITIES, Source


@dataclass(frozen=True)
class FormOrigin:
    """Where the form was opened: carried through Slack in the view's private_metadata."""

    channel: str
    source: Source
    message_ts: str | None = None

    def to_metadata(self) -> str:
        return json.dumps({"channel": self.channel, "source": str(self.source), "message_ts": self.message_ts})

    @classmethod
    def from_metadata(cls, text: str) -> "FormOrigin":
        data = json.loads(text)
        return cls(channel=data["channel"], source=Source(data["source"]), message_ts=data.get("message_ts"))


@dataclass(frozen=True)
class FormValues:
    summary: str
    priority: str
    line: int
    category: str | None
    customer_ref: str | None


def render_form(team: TeamConfig, origin: FormOrigin, summary: str = "") -> dict:
    line_labels = {f"L{line.level}": f"L{line.level} · {line.name}" for line in team.lines}
    blocks = [
        _input(ids.BLOCK_SUMMARY, "Summary", _summary_input(summary)),
        _input(ids.BLOCK_PRIORITY, "Priority", _select(ids.INPUT_PRIORITY, PRIORITIES, DEFAULT_PRIORITY)),
        _input(ids.BLOCK_LINE, "Support line", _select(ids.INPUT_LINE, list(line_labels), "L1", labels=line_labels)),
    ]
    if team.categories:
        blocks.append(_input(ids.BLOCK_CATEGORY, "Category", _select(ids.INPUT_CATEGORY, team.categories), optional=True))
    customer = {"type": "plain_text_input", "action_id": ids.INPUT_CUSTOMER, "max_length": 200,
                "placeholder": {"type": "plain_text", "text": "Ticket or account, e.g. ZD-4821"}}
    blocks.append(_input(ids.BLOCK_CUSTOMER, "Customer or ticket reference", customer, optional=True))
    return {
        "type": "modal",
        "callback_id": ids.MODAL_NEW,
        "private_metadata": origin.to_metadata(),
        "title": {"type": "plain_text", "text": "New escalation"},
        "submit": {"type": "plain_text", "text": "Escalate"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _summary_input(summary: str) -> dict:
    element = {"type": "plain_text_input", "action_id": ids.INPUT_SUMMARY, "multiline": True, "max_length": 3000,
               "placeholder": {"type": "plain_text", "text": "What is wrong, for whom, since when"}}
    if summary:
        element["initial_value"] = clip(summary, 3000)
    return element


def _input(block_id: str, label: str, element: dict, optional: bool = False) -> dict:
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label},
            "element": element, "optional": optional}


def _select(action_id: str, values, initial: str | None = None, labels: dict | None = None) -> dict:
    options = [_option(value, (labels or {}).get(value, value)) for value in values]
    element = {"type": "static_select", "action_id": action_id, "options": options}
    if initial:
        element["initial_option"] = _option(initial, (labels or {}).get(initial, initial))
    return element


def _option(value: str, label: str) -> dict:
    return {"text": {"type": "plain_text", "text": clip(label, 75)}, "value": value}


def read_form(state_values: dict) -> FormValues:
    """The submitted form's values (view.state.values) as typed values."""
    def selected(block_id: str, action_id: str) -> str | None:
        option = state_values.get(block_id, {}).get(action_id, {}).get("selected_option")
        return option["value"] if option else None

    def typed(block_id: str, action_id: str) -> str:
        return (state_values.get(block_id, {}).get(action_id, {}).get("value") or "").strip()

    return FormValues(
        summary=typed(ids.BLOCK_SUMMARY, ids.INPUT_SUMMARY),
        priority=selected(ids.BLOCK_PRIORITY, ids.INPUT_PRIORITY) or DEFAULT_PRIORITY,
        line=int((selected(ids.BLOCK_LINE, ids.INPUT_LINE) or "L1")[1]),
        category=selected(ids.BLOCK_CATEGORY, ids.INPUT_CATEGORY),
        customer_ref=typed(ids.BLOCK_CUSTOMER, ids.INPUT_CUSTOMER) or None,
    )


def form_errors(values: FormValues, team: TeamConfig) -> dict[str, str]:
    """Per-field messages Slack shows under the inputs; empty when the form is fine."""
    errors = {}
    if not values.summary:
        errors[ids.BLOCK_SUMMARY] = "Say in a sentence what is wrong."
    if values.priority not in PRIORITIES:
        errors[ids.BLOCK_PRIORITY] = "Pick P1 to P4."
    if values.category and values.category not in team.categories:
        errors[ids.BLOCK_CATEGORY] = "Pick one of the listed categories."
    return errors
