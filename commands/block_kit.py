"""Block Kit elements every feature builds the same way."""


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    return element


def input_state(state_values: dict, block_id: str, action_id: str) -> dict:
    """One input's state in a submitted view (view.state.values). A block or element that is
    missing or null reads as an empty one, so the form's checks can say what is missing."""
    return (state_values.get(block_id) or {}).get(action_id) or {}
