"""Block Kit elements every feature builds the same way."""


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    return element
