"""Reminding a line that an escalation waits for it, then telling the leads.

The database says which reminder is due and hands each out once (storage/sla.py); this job
only wakes up to ask, every half second, and posts what it was handed: in the thread of the
escalation's card in that line's channel, calling line 3's responders or the line's channel.
"""

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.deps import Deps
from commands.esc.cards import CardPublisher
from commands.esc.card_blocks import line_label, render_note
from commands.message_search import message_metadata
from commands.people import mentions
from commands.posting import post_message
from commands.text import duration_words, slack_date
from storage.model import Escalation
from storage.queries import cards_of, get_escalation
from storage.sla import ACK_LINE, Reminder, claim_due_reminders

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(seconds=0.5)


def reminder_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=CHECK_EVERY.total_seconds())


def send_due_reminders(client: WebClient, deps: Deps) -> int:
    reminders = claim_due_reminders(deps.store.db(), deps.clock(), deps.team.sla)
    for reminder in reminders:
        try:
            _send(client, deps, reminder)
        except SlackApiError as error:
            log.warning("Slack refused a reminder of ESC-%s: %s", reminder.clock.escalation_id, error.response.get("error"))
    return len(reminders)


def _send(client: WebClient, deps: Deps, reminder: Reminder) -> None:
    esc = get_escalation(deps.store.db(), reminder.clock.escalation_id)
    if reminder.number == 1 and not reminder.tells_leads:
        CardPublisher(client, deps).publish_change(esc.id, ())  # the cards now say "overdue since"
    if reminder.tells_leads:
        _tell_leads(client, deps, esc, reminder)
        return
    channel = deps.team.line(reminder.clock.line).channel
    text = _reminder_text(deps, esc, reminder)
    post_message(client, channel, thread_ts=_card_ts(deps, esc, channel), blocks=render_note(text), text=text,
                 metadata=_reminder_metadata(reminder))


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


def _tell_leads(client: WebClient, deps: Deps, esc: Escalation, reminder: Reminder) -> None:
    if not deps.team.leads_channel:
        log.warning("%s breached its SLA after every reminder, and no leads channel is set", esc.key)
        return
    clock = reminder.clock
    waited = duration_words(int((deps.clock() - clock.started_at).total_seconds()))
    what = "an acknowledgement" if clock.kind == "ack" else "an owner"
    text = (f"🚨 {esc.key} ({esc.priority}) has waited {waited} on {line_label(deps.team, clock.line)} for {what},"
            f" after {reminder.number} reminders. Its card: {_card_link(client, deps, esc, clock.line)}")
    post_message(client, deps.team.leads_channel, blocks=render_note(text), text=text,
                 metadata=_reminder_metadata(reminder))


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
