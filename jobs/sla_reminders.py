"""Reminding a line that an escalation waits for it, then telling the leads.

The database says which reminder is due and claims each once, writing it to the outbox in the
same transaction (storage/sla.py); this job only wakes up to ask, every half second. The
outbox's delivery posts it: in the thread of the escalation's card in that line's channel,
mentioning the line's responders, or shown in the channel too when the line names none; after
the last one, the leads are mentioned in their channel. Each carries the card's work button.
"""

import logging
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.delivery import Delivery
from bot.deps import Deps
from commands.esc.reminder_blocks import (leads_alert_notification, reminder_notification, render_leads_alert,
                                          render_reminder)
from commands.message_search import find_by_metadata, message_metadata
from commands.posting import send_once
from storage.model import Escalation
from storage.queries import cards_of, get_escalation
from storage.sla import Reminder, claim_due_reminders, load_clock

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
    if not _still_waits(esc, reminder):
        log.info("%s no longer waits on line %s: its reminder is not sent", esc.key, clock.line)
        return
    if reminder.tells_leads:
        _tell_leads(job, esc, reminder)
        return
    deps, now = job.deps, job.deps.clock()
    line = deps.team.line(clock.line)
    card_ts = _card_ts(deps, esc, line.channel)
    text = reminder_notification(esc, reminder, deps.team, now)
    # with nobody named to call, the reply is shown in the channel too, so the queue sees it
    broadcast = {"reply_broadcast": True} if card_ts and not line.responders else {}
    _post_once(job, line.channel, card_ts, render_reminder(esc, reminder, deps.team, now), text,
               _reminder_metadata(reminder), **broadcast)


def _still_waits(esc: Escalation, reminder: Reminder) -> bool:
    """Taken, acknowledged, moved or resolved since the reminder was claimed: nobody needs it, and
    its button would show a state that is gone."""
    return esc.is_open and esc.line == reminder.clock.line and esc.current_owner is None


def _post_once(job: Delivery, channel: str, thread_ts: str | None, blocks: list[dict], text: str, metadata: dict,
               **options) -> None:
    if job.retried and find_by_metadata(job.client, channel, metadata, job.deps.clock() - LOOK_BACK, thread_ts):
        return
    job.still_mine()
    send_once(job.client, channel, thread_ts=thread_ts, blocks=blocks, text=text, metadata=metadata, **options)
    metrics.POSTS_SENT.labels("reminder").inc()


def _reminder_metadata(reminder: Reminder) -> dict:
    """Names the reminder, so one Slack stored but answered with an error is not sent twice."""
    return message_metadata("supportbot_reminder", clock_id=reminder.clock.id, number=reminder.number,
                            tells_leads=reminder.tells_leads)


def _tell_leads(job: Delivery, esc: Escalation, reminder: Reminder) -> None:
    deps, now = job.deps, job.deps.clock()
    if not deps.team.leads_channel:
        log.warning("%s breached its SLA after every reminder, and no leads channel is set", esc.key)
        return
    link = _card_link(job.client, deps, esc, reminder.clock.line)
    _post_once(job, deps.team.leads_channel, None, render_leads_alert(esc, reminder, deps.team, now, link),
               leads_alert_notification(esc, reminder, deps.team, now), _reminder_metadata(reminder))


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
