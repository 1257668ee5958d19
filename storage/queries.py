"""Read side: timelines, and where each escalation's cards are. Lists of the open backlog are in storage/backlog.py."""

from dataclasses import dataclass
from typing import Sequence

from sqlite_utils import Database

from storage import records
from storage.db import write_unread
from storage.model import Escalation, Event
from storage.sla import RUNNING_CLOCK_COLUMNS, RUNNING_CLOCK_JOIN, Clock, running_clock_in


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
# The reason given with the move that brought an escalation (`e`) to its current line.
_ARRIVAL_REASON = ("(SELECT CASE WHEN m.line = e.line THEN m.note END FROM events m WHERE m.escalation_id = e.id"
                   " AND m.action IN ('moved_up', 'moved_down') ORDER BY m.id DESC LIMIT 1) AS arrival_reason")


def cards_of(db: Database, escalation_id: int) -> list[Card]:
    return [Card(**row) for row in db.query(_CARDS, [escalation_id])]


@dataclass(frozen=True)
class CardFacts:
    """What an escalation's cards show, and where they are."""
    escalation: Escalation
    clock: Clock | None  # its running SLA clock
    reason: str | None  # why it is on its current line: the reason given with the move that brought it
    cards: list[Card]


_CARD_FACTS = (f"SELECT e.*, {records.OWNER_COLUMNS}, {RUNNING_CLOCK_COLUMNS}, {_ARRIVAL_REASON},"
               " k.channel AS card_channel, k.ts AS card_ts, k.thread_ts AS card_thread_ts"
               f" FROM escalations e {RUNNING_CLOCK_JOIN} LEFT JOIN cards k ON k.escalation_id = e.id"
               " WHERE e.id = ? ORDER BY k.ts")


def card_facts(db: Database, escalation_id: int) -> CardFacts:
    """One statement for every card a change brings up to date: a row for each card the
    escalation has (one row while it has none), each with the escalation, its running clock and
    the reason it is on its line."""
    rows = list(db.query(_CARD_FACTS, [escalation_id]))
    esc = records.escalation_in(rows, escalation_id)
    cards = [Card(row["card_channel"], row["card_ts"], row["card_thread_ts"]) for row in rows if row["card_channel"]]
    return CardFacts(esc, running_clock_in(rows[0]), rows[0]["arrival_reason"], cards)


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
