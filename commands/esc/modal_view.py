"""The "New escalation" form, shared by `/esc` and the "Escalate message" shortcut."""

import json
from dataclasses import dataclass

from bot.config import TeamConfig
from commands.block_kit import input_state, typed_text
from commands.esc import ids
from commands.esc.parse import SUMMARY_LIMIT
from commands.esc.priorities import ack_words, priority_label
from commands.text import clip, too_long
from storage.model import DEFAULT_PRIORITY, PRIORITIES, Details, Source
from storage.sla import SlaPolicy

CUSTOMER_REF_LIMIT = 200


@dataclass(frozen=True)
class FormOrigin:
    """Where the form was opened: carried through Slack in the view's private_metadata."""

    channel: str
    source: Source
    message_ts: str | None = None
    author: str | None = None  # of the message a shortcut escalates: the requester
    link: str | None = None  # that message's permalink

    def to_metadata(self) -> str:
        return json.dumps({"channel": self.channel, "source": str(self.source), "message_ts": self.message_ts,
                           "author": self.author, "link": self.link})

    @classmethod
    def from_metadata(cls, text: str) -> "FormOrigin":
        data = json.loads(text)
        return cls(channel=data["channel"], source=Source(data["source"]), message_ts=data.get("message_ts"),
                   author=data.get("author"), link=data.get("link"))


@dataclass(frozen=True)
class FormValues:
    summary: str
    priority: str
    line: int | None  # None when the option is no line's: form_errors refuses it
    category: str | None
    customer_ref: str | None


def render_form(team: TeamConfig, origin: FormOrigin, summary: str = "") -> dict:
    line_labels = {f"L{line.level}": f"L{line.level} · {line.name}" for line in team.lines}
    line = _input(ids.BLOCK_LINE, "Support line", _select(ids.INPUT_LINE, list(line_labels), "L1", labels=line_labels))
    return {
        "type": "modal",
        "callback_id": ids.MODAL_NEW,
        "private_metadata": origin.to_metadata(),
        "title": {"type": "plain_text", "text": "New escalation"},
        "submit": {"type": "plain_text", "text": "Escalate"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": detail_inputs(team, Details(summary, DEFAULT_PRIORITY, None, None), line),
    }


def detail_inputs(team: TeamConfig, details: Details, line: dict | None = None) -> list[dict]:
    """Summary, priority, (the line, when raising), category and customer reference, filled in
    with `details`: the raise form and the edit form ask the same way."""
    blocks = [_input(ids.BLOCK_SUMMARY, "Summary", _summary_input(details.summary)),
              _input(ids.BLOCK_PRIORITY, "Priority", _priority_radios(team.sla, details.priority))]
    blocks += [line] if line else []
    if team.categories:
        category = _select(ids.INPUT_CATEGORY, team.categories,
                           details.category if details.category in team.categories else None)
        blocks.append(_input(ids.BLOCK_CATEGORY, "Category", category, optional=True))
    customer = {"type": "plain_text_input", "action_id": ids.INPUT_CUSTOMER, "max_length": CUSTOMER_REF_LIMIT,
                "placeholder": {"type": "plain_text", "text": "Ticket or account, e.g. ZD-4821"}}
    if details.customer_ref:
        customer["initial_value"] = clip(details.customer_ref, CUSTOMER_REF_LIMIT)
    blocks.append(_input(ids.BLOCK_CUSTOMER, "Customer or ticket reference", customer, optional=True))
    return blocks


def _summary_input(summary: str) -> dict:
    element = {"type": "plain_text_input", "action_id": ids.INPUT_SUMMARY, "multiline": True, "max_length": SUMMARY_LIMIT,
               "placeholder": {"type": "plain_text", "text": "What is wrong, for whom, since when"}}
    if summary:
        element["initial_value"] = clip(summary, SUMMARY_LIMIT)
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


def _option(value: str, label: str, description: str | None = None) -> dict:
    option = {"text": {"type": "plain_text", "text": clip(label, 75)}, "value": value}
    if description:
        option["description"] = {"type": "plain_text", "text": clip(description, 75)}
    return option


def _priority_radios(policy: SlaPolicy, initial: str) -> dict:
    """Each priority with what it promises: "P1 · Critical — owner within 10 min", and line 3's
    acknowledgement deadline under it."""
    options = {priority: _option(priority, priority_label(priority, policy), ack_words(priority, policy).capitalize())
               for priority in PRIORITIES}
    return {"type": "radio_buttons", "action_id": ids.INPUT_PRIORITY, "options": list(options.values()),
            "initial_option": options.get(initial, options[DEFAULT_PRIORITY])}


def read_form(state_values: dict) -> FormValues:
    """The submitted form's values (view.state.values) as typed values."""
    details = read_details(state_values)
    line = (input_state(state_values, ids.BLOCK_LINE, ids.INPUT_LINE).get("selected_option") or {}).get("value")
    return FormValues(summary=details.summary, priority=details.priority, line=_line_level(line or "L1"),
                      category=details.category, customer_ref=details.customer_ref)


def read_details(state_values: dict) -> Details:
    def selected(block_id: str, action_id: str) -> str | None:
        return (input_state(state_values, block_id, action_id).get("selected_option") or {}).get("value")

    return Details(
        summary=typed_text(state_values, ids.BLOCK_SUMMARY, ids.INPUT_SUMMARY),
        priority=selected(ids.BLOCK_PRIORITY, ids.INPUT_PRIORITY) or DEFAULT_PRIORITY,
        category=selected(ids.BLOCK_CATEGORY, ids.INPUT_CATEGORY) or None,
        customer_ref=typed_text(state_values, ids.BLOCK_CUSTOMER, ids.INPUT_CUSTOMER) or None,
    )


def _line_level(option: str) -> int | None:
    return int(option[1]) if len(option) == 2 and option[0] == "L" and option[1] in "123" else None


def form_errors(values: FormValues, team: TeamConfig) -> dict[str, str]:
    """Per-field messages Slack shows under the inputs; empty when the form is fine."""
    errors = detail_errors(Details(values.summary, values.priority, values.category, values.customer_ref), team)
    if values.line not in {line.level for line in team.lines}:
        errors[ids.BLOCK_LINE] = "Pick one of the listed support lines."
    return errors


def detail_errors(values: Details, team: TeamConfig) -> dict[str, str]:
    errors = {}
    if not values.summary:
        errors[ids.BLOCK_SUMMARY] = "Say in a sentence what is wrong."
    elif len(values.summary) > SUMMARY_LIMIT:
        errors[ids.BLOCK_SUMMARY] = too_long(values.summary, SUMMARY_LIMIT) + " Put the details in the thread."
    if values.customer_ref and len(values.customer_ref) > CUSTOMER_REF_LIMIT:
        errors[ids.BLOCK_CUSTOMER] = too_long(values.customer_ref, CUSTOMER_REF_LIMIT)
    if values.priority not in PRIORITIES:
        errors[ids.BLOCK_PRIORITY] = "Pick P1 to P4."
    if values.category and values.category not in team.categories:
        errors[ids.BLOCK_CATEGORY] = "Pick one of the listed categories."
    return errors


def render_assign_form(escalation_id: int, channel: str) -> dict:
    """"Assign…" from a list row: a people picker; the escalation and the list's channel ride
    in private_metadata."""
    picker = {"type": "users_select", "action_id": ids.INPUT_ASSIGNEE,
              "placeholder": {"type": "plain_text", "text": "Pick a teammate"}}
    return {
        "type": "modal",
        "callback_id": ids.MODAL_ASSIGN,
        "private_metadata": json.dumps({"escalation_id": escalation_id, "channel": channel}),
        "title": {"type": "plain_text", "text": f"Assign ESC-{escalation_id}"},
        "submit": {"type": "plain_text", "text": "Assign"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [_input(ids.BLOCK_ASSIGNEE, "Who takes it on its current line", picker)],
    }


def read_assign_form(view: dict) -> tuple[int, str, str | None]:
    """(escalation id, the list's channel, the person picked or None)."""
    origin = json.loads(view["private_metadata"])
    picked = input_state(view["state"]["values"], ids.BLOCK_ASSIGNEE, ids.INPUT_ASSIGNEE).get("selected_user")
    return int(origin["escalation_id"]), origin["channel"], picked
