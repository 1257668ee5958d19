"""The notes the bot posts in the thread where an escalation was raised."""

from bot.config import TeamConfig
from commands.esc.card_blocks import note_notification, note_text
from commands.text import mention
from storage.model import Action, Escalation, Event


def thread_note(event: Event, esc: Escalation, team: TeamConfig) -> tuple[list[dict], str]:
    """(blocks, notification text). The requester is mentioned, so Slack has them follow the
    thread from its first note on; the resolution is a section they can read, not grey small print."""
    cc = f" cc {mention(esc.requester)}" if event.actor != esc.requester else ""
    text = note_text(event, esc, team) + cc
    if Action(event.action) is Action.RESOLVED:
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    else:
        blocks = [{"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]
    return blocks, note_notification(event, esc, team) + cc
