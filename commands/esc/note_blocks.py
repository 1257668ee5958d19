"""The notes the bot posts in the thread where an escalation was raised."""

from bot.config import TeamConfig
from commands.esc.card_blocks import line_label
from commands.text import duration_words, escape, mention, one_line
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


def note_text(event: Event, esc: Escalation, team: TeamConfig) -> str:
    """One short threaded line telling the asker what just happened."""
    emoji, sentence, gives_reason = _note(event, esc, team)
    return f"{emoji} {sentence}{_ending(event, gives_reason, italic=True)}"


def note_notification(event: Event, esc: Escalation, team: TeamConfig) -> str:
    """The same, plain and naming the escalation first: a phone's push shows it raw."""
    _, sentence, gives_reason = _note(event, esc, team)
    return f"{esc.key}: {sentence}{_ending(event, gives_reason, italic=False)}"


def _note(event: Event, esc: Escalation, team: TeamConfig) -> tuple[str, str, bool]:
    """(emoji, sentence, whether the event's note is a reason to quote)."""
    who = f"<@{event.actor}>"
    line = line_label(team, event.line)
    notes = {
        Action.RAISED: ("🆘", f"{who} raised {esc.key} on {line}", False),
        Action.TAKEN: ("🙋", f"{who} took {esc.key}{_from(event.from_value)} on {line}", False),
        Action.ASSIGNED: ("👉", f"{who} assigned {esc.key} to {mention(event.to_value)} on {line}", False),
        Action.MOVED_UP: ("⬆️", f"{who} moved {esc.key} up to {line}", True),
        Action.MOVED_DOWN: ("⬇️", f"{who} moved {esc.key} back down to {line}", True),
        Action.RESOLVED: ("✅", f"{who} resolved {esc.key}", True),
        Action.REOPENED: ("↩️", f"{who} reopened {esc.key}", False),
        Action.HANDED_OFF: ("🤝", f"{who} handed {esc.key} off to {mention(event.to_value)} on {line}", False),
        Action.ACKNOWLEDGED: ("👀", f"{who} acknowledged {esc.key} on line {event.line}{_waited(event.note)}", False),
        Action.SLA_BREACHED: ("⏰", f"{esc.key} missed its {escape(event.to_value or '')} deadline on {line}", False),
        Action.RELEASED: ("↩️", f"{who} released {esc.key}{_released(event.from_value)}: it is back in {line}'s queue", False),
        Action.WAITING: ("⏸", f"{who} put {esc.key} on hold, waiting on the customer", True),
        Action.RESUMED: ("▶️", f"{who} resumed {esc.key}{_waited(event.note)}", False),
        Action.EDITED: ("✏️", f"{who} changed {esc.key}'s {_edited(event)}", False),
    }
    return notes[Action(event.action)]


def _ending(event: Event, gives_reason: bool, italic: bool) -> str:
    if not (gives_reason and event.note):
        return "."
    reason = escape(one_line(event.note, 300))
    return f": _{reason}_" if italic else f": {reason}"


FIELD_WORDS = {"summary": "summary", "priority": "priority", "category": "category",
               "customer_ref": "customer reference"}


def _edited(event: Event) -> str:
    """"priority from P3 to P1"; a summary is too long to quote twice, so only the new one is."""
    field = FIELD_WORDS.get(event.note or "", "details")
    new = escape(one_line(event.to_value, 120)) if event.to_value else "nothing"
    if event.note == "summary":
        return f"{field} to “{new}”"
    old = escape(one_line(event.from_value, 120)) if event.from_value else "nothing"
    return f"{field} from {old} to {new}"


def _from(previous_owner: str | None) -> str:
    return f" over from {mention(previous_owner)}" if previous_owner else ""


def _released(previous_owner: str | None) -> str:
    return f" from {mention(previous_owner)}" if previous_owner else ""


def _waited(seconds: str | None) -> str:
    """An acknowledgement's (or a resume's) note holds the seconds it waited."""
    return f" after {duration_words(int(seconds))}" if seconds and seconds.isdigit() else ""
