"""The draft card, each channel's copy of the notice and the follow-ups in its thread.

Pure functions from values to Block Kit. Stored text is plain text; it is escaped here, so a
draft's `@channel` or `@here` stays a word. The only channel notification is `<!here>`, and
only when the broadcast asked for it.
"""

from datetime import datetime

from commands.block_kit import button
from commands.incident import ids
from commands.text import clip, duration_words, escape, one_line, slack_date
from storage.incident_model import DEFAULT_SEVERITY, LIVE, Incident, IncidentStatus, Step

STATUS_BADGE = {
    IncidentStatus.DRAFT: "📝 Draft",
    IncidentStatus.SCHEDULED: "🗓️ Scheduled",
    IncidentStatus.INVESTIGATING: "🔍 Investigating",
    IncidentStatus.IDENTIFIED: "🛠️ Identified",
    IncidentStatus.MONITORING: "👀 Monitoring",
    IncidentStatus.RESOLVED: "✅ Resolved",
    IncidentStatus.DISCARDED: "🗑️ Discarded",
}
SEVERITY_BADGE = {"SEV1": "🔴 SEV1 · Critical", "SEV2": "🟠 SEV2 · Major", "SEV3": "🟡 SEV3 · Minor"}
WHEN = "{date_short_pretty} {time}"
DRAFTING_HELP = (
    "Reply in this thread to write the notice: the latest reply is the draft, and edits and deletions count. "
    "Pick another reply with the *Use as incident notice* shortcut."
)
FOLLOW_UP_HELP = "The latest reply here fills the next update's form; you see and edit it there before it goes out."
DISCARD_CONFIRM = ("Discard this draft?", "Nothing has been sent. The card stays, marked discarded.", "Discard")
CANCEL_CONFIRM = ("Cancel the planned notice?", "It goes back to a draft; nothing is sent.", "Cancel it")


def card_text(incident: Incident) -> str:
    return f"{incident.key} · {STATUS_BADGE[incident.status]} · {escape(incident.title)}"


def render_card(incident: Incident) -> list[dict]:
    fields = [f"*Status*\n{_card_status(incident)}", f"*Started by*\n<@{incident.created_by}>"]
    if incident.severity and incident.status is not IncidentStatus.DRAFT:
        fields.append(f"*Severity*\n{SEVERITY_BADGE[incident.severity]}")
    if incident.channels and incident.status is not IncidentStatus.DRAFT:
        fields.append("*Channels*\n" + " ".join(f"<#{channel}>" for channel in incident.channels))
    blocks = [
        _header(f"{incident.key} · {incident.title}"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": text} for text in fields]},
    ]
    help_text = _card_help(incident)
    if help_text:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": help_text}]})
    buttons = _card_buttons(incident)
    if buttons:
        blocks.append({"type": "actions", "block_id": ids.BLOCK_CARD_ACTIONS, "elements": buttons})
    return blocks


def _card_status(incident: Incident) -> str:
    if incident.status is IncidentStatus.SCHEDULED:
        return f"{STATUS_BADGE[incident.status]} for {slack_date(incident.scheduled_for, WHEN)}"
    return STATUS_BADGE[incident.status]


def _card_help(incident: Incident) -> str | None:
    if incident.status in (IncidentStatus.DRAFT, IncidentStatus.SCHEDULED):
        return DRAFTING_HELP
    return FOLLOW_UP_HELP if incident.is_live else None


def _card_buttons(incident: Incident) -> list[dict]:
    value = str(incident.id)
    preview = button("Preview", ids.ACTION_PREVIEW, value)
    if incident.status is IncidentStatus.DRAFT:
        return [preview, button("Broadcast", ids.ACTION_BROADCAST, value, "primary"),
                _confirmed(button("Discard", ids.ACTION_DISCARD, value, "danger"), *DISCARD_CONFIRM)]
    if incident.status is IncidentStatus.SCHEDULED:
        return [preview, _confirmed(button("Cancel", ids.ACTION_CANCEL, value, "danger"), *CANCEL_CONFIRM)]
    if incident.is_live:
        return [preview, button("Update", ids.ACTION_UPDATE, value, "primary"), button("Resolve", ids.ACTION_RESOLVE, value)]
    return []


def _confirmed(element: dict, title: str, text: str, confirm: str) -> dict:
    """Slack asks "are you sure?" before the click reaches the bot."""
    return {**element, "confirm": {"title": {"type": "plain_text", "text": title},
                                   "text": {"type": "plain_text", "text": text},
                                   "confirm": {"type": "plain_text", "text": confirm},
                                   "deny": {"type": "plain_text", "text": "Keep it"}, "style": "danger"}}


def copy_text(incident: Incident, status: IncidentStatus) -> str:
    """The notification text of a copy, shown raw in a phone's push: the incident first, no
    formatting; `<!here>` is the one mention a copy may carry."""
    here = " <!here>" if incident.notify_here else ""
    return f"{incident.key} {status.word}: {escape(incident.title)}{here}"


def render_copy(incident: Incident, notice: str, now: datetime) -> list[dict]:
    """A channel's copy: for a draft (in a preview), as it will look once broadcast."""
    status = incident.status if incident.status in (*LIVE, IncidentStatus.RESOLVED) else IncidentStatus.INVESTIGATING
    started = incident.started_at or incident.scheduled_for or now
    fields = [
        f"*Status*\n{STATUS_BADGE[status]}",
        f"*Severity*\n{SEVERITY_BADGE[incident.severity or DEFAULT_SEVERITY]}",
        f"*Started*\n{slack_date(started, WHEN)}",
    ]
    if incident.resolved_at:
        fields.append(f"*Resolved*\n{slack_date(incident.resolved_at, WHEN)} · after {_duration(incident)}")
    here = "<!here> " if incident.notify_here else ""
    return [
        _header(f"{STATUS_BADGE[status]} · {incident.key} · {incident.title}"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": text} for text in fields]},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(here + escape(notice), 3000)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Updates follow in this thread."}]},
    ]


def note_text(incident: Incident, step: Step) -> str:
    """A follow-up threaded under every copy."""
    detail = f"\n{escape(step.text)}" if step.text else ""
    if step.status is IncidentStatus.RESOLVED:
        return f"*{STATUS_BADGE[step.status]}* after {_duration(incident)}.{detail}"
    return f"*{STATUS_BADGE[step.status]}* · {slack_date(step.at, WHEN)}{detail}"


def note_notification(incident: Incident, step: Step) -> str:
    """A follow-up's push text: the incident and its status first, plain."""
    status = f"Resolved after {_duration(incident)}" if step.status is IncidentStatus.RESOLVED else step.status.word
    detail = f": {escape(one_line(step.text, 200))}" if step.text else ""
    return f"{incident.key} {status}{detail}"


def render_note(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}]


def _duration(incident: Incident) -> str:
    return duration_words(int((incident.resolved_at - incident.started_at).total_seconds()))


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(escape(text), 150)}}
