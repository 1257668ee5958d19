"""Reminding a line that an escalation waits for it, then telling the leads.

The database says which reminder is due and claims each once, writing it to the outbox in the
same transaction (storage/sla.py); this job only wakes up to ask, every half second. The
outbox's delivery posts it: in the thread of the escalation's card in that line's channel,
calling line 3's responders or the line's channel.
"""

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import Delivery
from commands.deps import Deps
from commands.esc.card_blocks import line_label, render_note
from commands.message_search import find_by_metadata, message_metadata
from commands.people import mentions
from commands.posting import send_once
from commands.text import duration_words, slack_date
from storage.model import Escalation
from storage.queries import cards_of, get_escalation
from storage.sla import ACK_LINE, Reminder, claim_due_reminders, load_clock

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(seconds=0.5)
LOOK_BACK = timedelta(hours=1)  # a reminder an earlier try may have posted is no older than its retries


def reminder_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=CHECK_EVERY.total_seconds())


def send_due_reminders(client: WebClient, deps: Deps) -> int:
    reminders = claim_due_reminders(deps.store.db(), deps.clock(), deps.team.sla)
    if reminders:
        deps.doorbell.ring()
    return len(reminders)


def deliver_reminder(job: Delivery) -> None:
    clock = load_clock(job.db(), job.payload["clock_id"])
    reminder = Reminder(clock=clock, number=job.payload["number"], tells_leads=job.payload["tells_leads"])
    esc = get_escalation(job.db(), clock.escalation_id)
    if reminder.tells_leads:
        _tell_leads(job, esc, reminder)
        return
    channel = job.deps.team.line(clock.line).channel
    text = _reminder_text(job.deps, esc, reminder)
    _post_once(job, channel, _card_ts(job.deps, esc, channel), render_note(text), text, _reminder_metadata(reminder))


def _post_once(job: Delivery, channel: str, thread_ts: str | None, blocks: list[dict], text: str, metadata: dict) -> None:
    if job.retried and find_by_metadata(job.client, channel, metadata, job.deps.clock() - LOOK_BACK, thread_ts):
        return
    job.still_mine()
    send_once(job.client, channel, thread_ts=thread_ts, blocks=blocks, text=text, metadata=metadata)


def _reminder_metadata(reminder: Reminder) -> dict:
    """Names the reminder, so one Slack stored but answered with an error is not sent twice."""
    return message_metadata("supportbot_reminder", clock_id=reminder.clock.id, number=reminder.number,
                            tells_leads=reminder.tells_leads)


def _reminder_text(deps: Deps, esc: Escalation, reminder: Reminder) -> str:
    clock, policy = reminder.clock, deps.team.sla
    waited = duration_words(int((deps.clock() - clock.started_at).total_seconds()))
    count = f"Reminder {reminder.number} of {policy.max_reminders}"
    due = slack_date(clock.due_at, "{time}")
    if clock.line == ACK_LINE:
        responders = mentions(deps.team.line(ACK_LINE).responders) or "Engineers"
        return (f"⏰ {count}: {responders}, {esc.key} ({esc.priority}) has waited {waited} for an acknowledgement"
                f" (due {due}). Reply `ack` here to take it.")
    channel = deps.team.line(clock.line).channel
    return (f"⏰ {count}: <#{channel}>, {esc.key} ({esc.priority}) has waited {waited} with nobody taking it"
            f" (due {due}). Press *Take* or use `/esc take {esc.key}`.")


def _tell_leads(job: Delivery, esc: Escalation, reminder: Reminder) -> None:
    deps = job.deps
    if not deps.team.leads_channel:
        log.warning("%s breached its SLA after every reminder, and no leads channel is set", esc.key)
        return
    clock = reminder.clock
    waited = duration_words(int((deps.clock() - clock.started_at).total_seconds()))
    what = "an acknowledgement" if clock.kind == "ack" else "an owner"
    text = (f"🚨 {esc.key} ({esc.priority}) has waited {waited} on {line_label(deps.team, clock.line)} for {what},"
            f" after {reminder.number} reminders. Its card: {_card_link(job.client, deps, esc, clock.line)}")
    _post_once(job, deps.team.leads_channel, None, render_note(text), text, _reminder_metadata(reminder))


def _card_ts(deps: Deps, esc: Escalation, channel: str) -> str | None:
    return next((card.ts for card in cards_of(deps.store.db(), esc.id) if card.channel == channel), None)


def _card_link(client: WebClient, deps: Deps, esc: Escalation, line: int) -> str:
    channel = deps.team.line(line).channel
    ts = _card_ts(deps, esc, channel)
    if ts is None:
        return f"<#{channel}>"
    try:
        return f"<{client.chat_getPermalink(channel=channel, message_ts=ts)['permalink']}|open it>"
    except SlackApiError:
        return f"<#{channel}>"
