"""Read side: timelines, and where each escalation's cards are. Lists of the open backlog are in storage/backlog.py."""

from dataclasses import dataclass

from sqlite_utils import Database

from storage import records
from storage.model import Escalation, Event


def get_escalation(db: Database, escalation_id: int) -> Escalation:
    return records.load_escalation(db, escalation_id)


def timeline(db: Database, escalation_id: int) -> tuple[Escalation, list[Event]]:
    return records.load_escalation(db, escalation_id), records.load_events(db, escalation_id)


@dataclass(frozen=True)
class Card:
    channel: str
    ts: str
    thread_ts: str | None


def cards_of(db: Database, escalation_id: int) -> list[Card]:
    sql = "SELECT channel, ts, thread_ts FROM cards WHERE escalation_id = ? ORDER BY ts"
    return [Card(**row) for row in db.query(sql, [escalation_id])]


def record_card(db: Database, escalation_id: int, card: Card, starts_thread: bool = False) -> None:
    """Inside the caller's transaction. Where cards live is bookkeeping for chat.update, not a
    change of the escalation: no audit event. `starts_thread`: an escalation raised by command
    lives in the thread of its first card, and so learns its thread only once that is posted."""
    db.execute("INSERT INTO cards (escalation_id, channel, ts, thread_ts) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (escalation_id, channel) DO UPDATE SET ts = excluded.ts, thread_ts = excluded.thread_ts",
               [escalation_id, card.channel, card.ts, card.thread_ts])
    if starts_thread:
        db.execute("UPDATE escalations SET origin_ts = ? WHERE id = ? AND origin_ts IS NULL", [card.ts, escalation_id])


def escalation_of_card(db: Database, channel: str, ts: str) -> int | None:
    """The escalation whose card is the message `ts` in `channel`, if any."""
    rows = list(db.query("SELECT escalation_id FROM cards WHERE channel = ? AND ts = ?", [channel, ts]))
    return rows[0]["escalation_id"] if rows else None


def arrival_reason(db: Database, esc: Escalation) -> str | None:
    """Why the escalation is on its current line: the reason given with the move that brought it."""
    sql = ("SELECT line, note FROM events WHERE escalation_id = ? AND action IN ('moved_up', 'moved_down')"
           " ORDER BY id DESC LIMIT 1")
    rows = list(db.query(sql, [esc.id]))
    return rows[0]["note"] if rows and rows[0]["line"] == esc.line else None
