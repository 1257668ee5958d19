"""Read side: timelines, and where each escalation's cards are. Lists of the open backlog are in storage/backlog.py."""

from dataclasses import dataclass
from typing import Sequence

from sqlite_utils import Database

from storage import records
from storage.db import read_together, write_unread
from storage.model import Escalation, Event
from storage.sla import Clock, running_clocks_in, running_clocks_read


def get_escalation(db: Database, escalation_id: int) -> Escalation:
    return records.load_escalation(db, escalation_id)


def timeline(db: Database, escalation_id: int) -> tuple[Escalation, list[Event]]:
    return records.load_escalation(db, escalation_id), records.load_events(db, escalation_id)


@dataclass(frozen=True)
class Card:
    channel: str
    ts: str
    thread_ts: str | None


_CARDS = "SELECT channel, ts, thread_ts FROM cards WHERE escalation_id = ? ORDER BY ts"
_LAST_MOVE = ("SELECT line, note FROM events WHERE escalation_id = ? AND action IN ('moved_up', 'moved_down')"
              " ORDER BY id DESC LIMIT 1")


def cards_of(db: Database, escalation_id: int) -> list[Card]:
    return [Card(**row) for row in db.query(_CARDS, [escalation_id])]


@dataclass(frozen=True)
class CardFacts:
    """What an escalation's cards show, and where they are."""
    escalation: Escalation
    clock: Clock | None  # its running SLA clock
    reason: str | None  # why it is on its current line: the reason given with the move that brought it
    cards: list[Card]


def card_facts(db: Database, escalation_id: int) -> CardFacts:
    """Read together: one round trip on PostgreSQL for every card a change brings up to date."""
    escalation, clocks, moves, cards = read_together(db, [
        (records.ESCALATION, [escalation_id]), running_clocks_read([escalation_id]),
        (_LAST_MOVE, [escalation_id]), (_CARDS, [escalation_id])])
    esc = records.escalation_in(escalation, escalation_id)
    reason = moves[0]["note"] if moves and moves[0]["line"] == esc.line else None
    return CardFacts(esc, running_clocks_in(clocks).get(escalation_id), reason, [Card(**row) for row in cards])


def record_cards(db: Database, escalation_id: int, cards: Sequence[Card], starts_thread: Card | None = None) -> None:
    """Inside the caller's transaction, one statement for all of `cards` (one card a channel:
    the last given). Where cards live is bookkeeping for chat.update, not a change of the
    escalation: no audit event. `starts_thread`: an escalation raised by command lives in the
    thread of its first card, and so learns its thread only once that is posted."""
    latest = list({card.channel: card for card in cards}.values())
    write_unread(db, f"INSERT INTO cards (escalation_id, channel, ts, thread_ts) VALUES {', '.join(['(?, ?, ?, ?)'] * len(latest))}"
                 " ON CONFLICT (escalation_id, channel) DO UPDATE SET ts = excluded.ts, thread_ts = excluded.thread_ts",
                 [value for card in latest for value in (escalation_id, card.channel, card.ts, card.thread_ts)])
    if starts_thread is not None:
        write_unread(db, "UPDATE escalations SET origin_ts = ? WHERE id = ? AND origin_ts IS NULL",
                     [starts_thread.ts, escalation_id])


def escalation_of_card(db: Database, channel: str, ts: str) -> int | None:
    """The escalation whose card is the message `ts` in `channel`, if any."""
    rows = list(db.query("SELECT escalation_id FROM cards WHERE channel = ? AND ts = ?", [channel, ts]))
    return rows[0]["escalation_id"] if rows else None
