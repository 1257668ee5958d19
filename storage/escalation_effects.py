"""The Slack effects an escalation's change implies, as outbox rows written in its transaction.

Slack-free: a row names what must become true ("the cards show the present", "the thread hears
of event 42", "the requester is asked for a score"); commands/esc/deliveries.py does it.
"""

from datetime import datetime

from sqlite_utils import Database

from storage import home_visits, outbox, records
from storage.db import hold_write_lock

CARDS = "escalation-cards"
NOTE = "escalation-note"
SURVEY = "escalation-survey"
SURVEY_THANKS = "escalation-survey-thanks"
REMINDER = "escalation-reminder"
MIRROR = "escalation-mirror"
ACK_REACTION = "escalation-ack-reaction"


def subject(escalation_id: int) -> str:
    return f"escalation:{escalation_id}"


def cards_follow(db: Database, now: datetime, escalation_id: int, reply_to: str | None = None,
                 leased_to: str | None = None) -> outbox.Claim | None:
    """Every card of the escalation shows its state as it is when delivered, and the cards it
    needs (where it was raised, its current line's queue) exist. `reply_to` is an opaque address
    the adapter can answer the person at, should Slack refuse a card. `leased_to`, for an
    escalation just raised whose raising thread delivers its cards at once: the row is written
    leased to that thread's process, and its claim is returned."""
    payload = {"escalation_id": escalation_id, "reply_to": reply_to}
    if leased_to:
        return outbox.enqueue_leased(db, now, subject(escalation_id), CARDS, payload, leased_to)
    outbox.enqueue(db, now, subject(escalation_id), CARDS, payload, coalesce=reply_to is None)
    return None


def thread_hears(db: Database, now: datetime, escalation_id: int, event_ids: list[int]) -> None:
    for event_id in event_ids:
        outbox.enqueue(db, now, subject(escalation_id), NOTE, {"escalation_id": escalation_id, "event_id": event_id})


def requester_is_asked(db: Database, now: datetime, escalation_id: int) -> None:
    outbox.enqueue(db, now, subject(escalation_id), SURVEY, {"escalation_id": escalation_id})


def survey_thanks(db: Database, now: datetime, escalation_id: int, survey: tuple[str, str], score: int,
                  counted: bool, replaced_score: int | None) -> None:
    """The survey message (channel, ts) the score was given in says thanks and what counts."""
    channel, ts = survey
    outbox.enqueue(db, now, subject(escalation_id), SURVEY_THANKS,
                   {"escalation_id": escalation_id, "channel": channel, "ts": ts, "score": score,
                    "counted": counted, "replaced_score": replaced_score})


def reminder_goes_out(db: Database, now: datetime, escalation_id: int, clock_id: int, number: int,
                      tells_leads: bool) -> None:
    outbox.enqueue(db, now, subject(escalation_id), REMINDER,
                   {"clock_id": clock_id, "number": number, "tells_leads": tells_leads})


def mirror_follows(db: Database, now: datetime, escalation_id: int, source_channel: str, source_ts: str) -> None:
    """The mirror of an engineer's reply (storage/mirrors.py) shows the reply as it stands."""
    outbox.enqueue(db, now, subject(escalation_id), MIRROR, {"channel": source_channel, "ts": source_ts})


def reply_is_confirmed(db: Database, now: datetime, escalation_id: int, channel: str, ts: str) -> None:
    """The engineer's reply that acknowledged the escalation gets the bot's reaction, after its
    cards and thread note."""
    outbox.enqueue(db, now, subject(escalation_id), ACK_REACTION, {"channel": channel, "ts": ts})


def homes_follow(db: Database, now: datetime, escalation_id: int) -> None:
    """The Homes this change shows on: its owners', the people its events at `now` name (a
    previous owner, an assignee), the agents of the lines it is on or left, and the leads'.
    Nobody who opened their Home lately: nothing to read, and a raise, begun beside the one
    writer, need not take the write lock."""
    visitors = home_visits.recent(db, now)
    if not visitors:
        return
    if hold_write_lock(db):
        visitors = home_visits.recent(db, now)
    people: set[str] = set()
    lines: set[int] = set()
    for actor, line, before, after in db.execute(
            'SELECT "user", NULL, NULL, NULL FROM line_owners WHERE escalation_id = ?'
            " UNION ALL SELECT NULL, line, NULL, NULL FROM escalations WHERE id = ?"
            " UNION ALL SELECT actor, line, from_value, to_value FROM events WHERE escalation_id = ? AND at = ?",
            [escalation_id, escalation_id, escalation_id, records.to_text(now)]):
        people |= {actor, before, after} - {None}
        lines |= {line} - {None} | ({int(before)} if before and before.isdigit() else set())
    home_visits.refresh(db, now, people, lines, leads=True, visitors=visitors)
