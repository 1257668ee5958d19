"""Block Kit elements every feature builds the same way."""

from commands.text import clean_user_text


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    return element


def input_state(state_values: dict, block_id: str, action_id: str) -> dict:
    """One input's state in a submitted view (view.state.values). A block or element that is
    missing or null reads as an empty one, so the form's checks can say what is missing."""
    return (state_values.get(block_id) or {}).get(action_id) or {}


def typed_text(state_values: dict, block_id: str, action_id: str) -> str:
    """What a person typed into a text input, cleaned of control and direction-override
    characters and of surrounding space; "" when the field is empty or not text."""
    value = input_state(state_values, block_id, action_id).get("value")
    return clean_user_text(value if isinstance(value, str) else "").strip()
