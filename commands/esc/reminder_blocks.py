"""A reminder in the thread of a line's queue card, and the leads' breach alert: pure functions
from the escalation and its SLA reminder to Block Kit and the notification text.

Both carry the card's own work button with the card's value (`card_value`), so a click does
what the card's button does and is refused the same way once the escalation has changed.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import TeamConfig
from commands.block_kit import button
from commands.esc import ids
from commands.esc.card_blocks import card_value, line_label
from commands.line3.ids import ACTION_ACK
from commands.people import mentions
from commands.text import duration_words, slack_date
from storage.model import Escalation
from storage.sla import ACK_LINE, Reminder

def render_reminder(esc: Escalation, reminder: Reminder, team: TeamConfig, now: datetime) -> list[dict]:
    clock = reminder.clock
    count = f"Reminder {reminder.number} of {team.sla.max_reminders}"
    waited = duration_words(int((now - clock.started_at).total_seconds()))
    due = slack_date(clock.due_at, "{time}")
    who = mentions(team.line(clock.line).responders)
    if clock.line == ACK_LINE:
        text = (f"⏰ {count}: {who or 'Engineers'}, *{esc.key}* ({esc.priority}) has waited {waited} for an"
                f" acknowledgement (due {due}). Press *Acknowledge* or reply `ack` here.")
    else:
        text = (f"⏰ {count}: {who or f'<#{team.line(clock.line).channel}>'}, *{esc.key}* ({esc.priority}) has waited"
                f" {waited} with nobody taking it (due {due}). Press *Take* or use `/esc take {esc.key}`.")
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": ids.BLOCK_REMINDER_ACTIONS, "elements": [work_button(esc)]},
    ]


def reminder_notification(esc: Escalation, reminder: Reminder, team: TeamConfig, now: datetime) -> str:
    """Plain, key first, as a phone shows it: "ESC-12 (P1) waits for an owner on L1 since 10:45 · …"."""
    parts = [_waits(esc, reminder, team, now), mentions(team.line(reminder.clock.line).responders),
             f"reminder {reminder.number} of {team.sla.max_reminders}"]
    return " · ".join(part for part in parts if part)


def render_leads_alert(esc: Escalation, reminder: Reminder, team: TeamConfig, now: datetime, card_link: str) -> list[dict]:
    clock = reminder.clock
    waited = duration_words(int((now - clock.started_at).total_seconds()))
    leads = mentions(team.leads_users)
    text = (f"🚨 {leads + ' ' if leads else ''}*{esc.key}* ({esc.priority}) has waited {waited} on"
            f" {line_label(team, clock.line)} for {_what(clock.line)}, after {reminder.number} reminders."
            f" Its card: {card_link}. Assign it to someone, or take it yourself.")
    take = button("Take", ids.ACTION_TAKE, card_value(esc), style="primary")
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": ids.BLOCK_REMINDER_ACTIONS,
         "elements": [button("Assign…", ids.ACTION_ASSIGN, card_value(esc)), take]},
    ]


def leads_alert_notification(esc: Escalation, reminder: Reminder, team: TeamConfig, now: datetime) -> str:
    parts = [_waits(esc, reminder, team, now), mentions(team.leads_users), f"after {reminder.number} reminders"]
    return " · ".join(part for part in parts if part)


def work_button(esc: Escalation) -> dict:
    """The queue card's button for an escalation that waits on its line: Take, or Acknowledge on line 3."""
    if esc.line == ACK_LINE:
        return button("Acknowledge", ACTION_ACK, card_value(esc), style="primary")
    return button("Take", ids.ACTION_TAKE, card_value(esc), style="primary")


def _waits(esc: Escalation, reminder: Reminder, team: TeamConfig, now: datetime) -> str:
    clock = reminder.clock
    since = team_time(clock.started_at, ZoneInfo(team.timezone), now)
    return f"{esc.key} ({esc.priority}) waits for {_what(clock.line)} on L{clock.line} since {since}"


def _what(line: int) -> str:
    return "an acknowledgement" if line == ACK_LINE else "an owner"


def team_time(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """`10:45` in the team's zone, with the day once it is not today's: `Mon 3 Dec 10:45`. Plain text
    has no `<!date>`, so a push shows the team's clock, not each reader's."""
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b %H:%M')}"
