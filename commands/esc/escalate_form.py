"""The small form the card's Escalate button opens: an optional reason for the next line."""

import json
from dataclasses import dataclass

from bot.config import TeamConfig
from commands.block_kit import typed_text
from commands.esc import ids
from commands.esc.card_blocks import line_label
from commands.text import too_long

REASON_LIMIT = 1000


@dataclass(frozen=True)
class EscalateOrigin:
    """The clicked button's value (the state its card showed) and the card's channel, carried
    through Slack in the view's private_metadata."""

    value: str
    channel: str

    def to_metadata(self) -> str:
        return json.dumps({"value": self.value, "channel": self.channel})

    @classmethod
    def from_metadata(cls, text: str) -> "EscalateOrigin":
        data = json.loads(text)
        return cls(value=data["value"], channel=data["channel"])


def render_escalate_form(team: TeamConfig, escalation_id: int, to_line: int, origin: EscalateOrigin) -> dict:
    reason = {"type": "plain_text_input", "action_id": ids.INPUT_REASON, "multiline": True, "max_length": REASON_LIMIT,
              "placeholder": {"type": "plain_text", "text": "What you found, what the next line should look at"}}
    return {
        "type": "modal",
        "callback_id": ids.MODAL_ESCALATE,
        "private_metadata": origin.to_metadata(),
        "title": {"type": "plain_text", "text": f"Escalate ESC-{escalation_id}"},
        "submit": {"type": "plain_text", "text": f"Escalate to L{to_line}"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn",
                                         "text": f"Move *ESC-{escalation_id}* up to *{line_label(team, to_line)}*."}},
            {"type": "input", "block_id": ids.BLOCK_REASON, "optional": True, "element": reason,
             "label": {"type": "plain_text", "text": "Reason, shown on its card"}},
        ],
    }


def read_reason(state_values: dict) -> str | None:
    return typed_text(state_values, ids.BLOCK_REASON, ids.INPUT_REASON) or None


def reason_errors(reason: str | None) -> dict[str, str]:
    if reason and len(reason) > REASON_LIMIT:
        return {ids.BLOCK_REASON: too_long(reason, REASON_LIMIT)}
    return {}
