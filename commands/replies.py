"""Ephemeral refusals and failure notices, the same for every feature."""

from commands.text import clip
from storage.errors import UserError


def render_error(error: UserError) -> list[dict]:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"⚠️ {clip(error_text(error), 2900)}"}}]
    if error.hint:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(_filled(error.hint, error), 2900)}]})
    return blocks


def error_text(error: UserError) -> str:
    """The refusal's message as Slack shows it: the notification text beside its blocks."""
    return _filled(error.message, error)


def _filled(text: str, error: UserError) -> str:
    for field, command in error.commands.items():
        text = text.replace(f"{{{field}}}", f"`{command}`")
    for field, user in error.people.items():
        text = text.replace(f"{{{field}}}", f"<@{user}>")
    return text


def render_failure(reference: str, detail: str) -> list[dict]:
    text = f"❌ Something went wrong on our side ({detail}). Quote ref `{reference}` to your admin."
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def render_confirmation(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


REPLY_MODAL = "reply-modal"


def render_reply_modal(blocks: list[dict]) -> dict:
    """A reply where there is no conversation to answer in (Home, a form opened from it): a small
    modal saying why nothing was done."""
    return {"type": "modal", "callback_id": REPLY_MODAL, "title": {"type": "plain_text", "text": "Not done"},
            "close": {"type": "plain_text", "text": "OK"}, "blocks": blocks}
