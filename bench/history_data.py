"""A generated year of support history, written straight into a prepared SQLite file.

Each escalation lives a plausible life: raised on line 1, taken (its `take` clock met, or late
and breached), for some moved up to line 2 and on to line 3 (an `ack` clock there), then
resolved, its audit events and SLA clocks written as the bot writes them. One whose resolution
would fall after the history's end is still open, as are a few forgotten ones from any time of
the year, so the open backlog is the size a team lives with, not a third of the year. A share
of the resolved ones has a CSAT answer; some subjects answered twice, the later one counting.

Rows go in with `executemany`, a batch of escalations per transaction: the bot's own functions
one at a time would take hours for a year. Then, unless told not to, ANALYZE, as a maintenance
run or `PRAGMA optimize` would: with statistics SQLite's planner chooses differently (it judges
`status = 'open'` to match half the table), and a file that has them must stay fast too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.config import TeamConfig
from storage.db import open_db, prepare_database, write_transaction
from storage.records import to_text

PRIORITIES = {"P1": 0.05, "P2": 0.2, "P3": 0.5, "P4": 0.25}
ORIGINS = {"C0HELP": 0.75, "C0GENERAL": 0.15, "C0STATUS": 0.05, "C0LEADS": 0.05}  # never a queue: one card each
SOURCES = {"command": 0.45, "modal": 0.25, "reaction": 0.2, "shortcut": 0.1}
QUEUES = {1: "C0SUPL1", 2: "C0SUPL2", 3: "C0ENGESC"}
STAFF = {1: [f"U1AGENT{n:02d}" for n in range(30)], 2: [f"U1SPEC{n:02d}" for n in range(8)],
         3: [f"U1ENG{n:02d}" for n in range(6)]}
REQUESTERS = [f"U1REQ{n:03d}" for n in range(200)]
SUMMARIES = ("Customer cannot finish checkout", "Invoice shows the wrong VAT", "Password reset mail never arrives",
             "Parcel marked delivered but missing", "App crashes when opening the cart", "Refund not received")
MOVED_UP_TO_2, MOVED_UP_TO_3 = 0.25, 0.3
NEVER_RESOLVED = 0.002  # forgotten escalations, from any day of the year
WITHDRAWN = 0.03  # resolved by the requester before anyone took it: the clock is cancelled
TWICE_ANSWERED = 0.05
BATCH = 25_000

COLUMNS = {
    "escalations": ("id", "summary", "priority", "category", "customer_ref", "requester", "source", "origin_channel",
                    "origin_ts", "status", "line", "created_at", "resolved_at", "open_owner"),
    "line_owners": ("escalation_id", "line", "user", "since"),
    "events": ("escalation_id", "at", "actor", "action", "line", "from_value", "to_value", "note"),
    "sla_clocks": ("escalation_id", "line", "kind", "priority", "started_at", "due_at", "stopped_at", "stopped_by",
                   "outcome", "breached_at", "reminders_sent"),
    "cards": ("escalation_id", "channel", "ts", "thread_ts"),
    "csat_answers": ("subject", "escalation_id", "score", "comment", "respondent", "source", "received_at",
                     "recorded_at", "counts"),
}


@dataclass
class Rows:
    """One batch's rows per table, in COLUMNS order."""

    tables: dict[str, list[tuple]] = field(default_factory=lambda: {table: [] for table in COLUMNS})

    def add(self, table: str, *values) -> None:
        self.tables[table].append(values)


@dataclass
class Life:
    """One escalation being generated: where it is now and what it will write."""

    id: int
    priority: str
    requester: str
    at: datetime
    line: int = 1
    owner: str | None = None


class HistoryWriter:
    """Writes the history of `escalations` raised evenly over the `days` before `end`."""

    def __init__(self, team: TeamConfig, end: datetime, never_resolved: float = NEVER_RESOLVED, seed: int = 9) -> None:
        self.team, self.end, self.random = team, end, random.Random(seed)
        self.never_resolved = never_resolved
        self.categories = [*team.categories, None]
        self.totals = {table: 0 for table in COLUMNS}

    def write(self, path, escalations: int, csat_answers: int, statistics: bool = True,
              days: int = 365) -> dict[str, int]:
        """Fill a fresh file at `path`; returns the rows written per table."""
        prepare_database(path)
        db = open_db(path)
        span = timedelta(days=days).total_seconds()
        created = sorted(self.random.random() * span for _ in range(escalations))
        csat_share = csat_answers / (escalations * (1 - WITHDRAWN - self.never_resolved) * (1 + TWICE_ANSWERED))
        start = self.end - timedelta(days=days)
        for first in range(0, escalations, BATCH):
            rows = Rows()
            for offset, seconds in enumerate(created[first:first + BATCH]):
                self._escalation(rows, first + offset + 1, start + timedelta(seconds=seconds), csat_share)
            self._insert(db, rows)
        if statistics:
            db.execute("ANALYZE")
        db.close()
        return self.totals

    def _insert(self, db, rows: Rows) -> None:
        with write_transaction(db):
            for table, values in rows.tables.items():
                columns = COLUMNS[table]
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                db.conn.executemany(sql, values)
                self.totals[table] += len(values)

    def _escalation(self, rows: Rows, escalation_id: int, created: datetime, csat_share: float) -> None:
        life = Life(escalation_id, self._weighted(PRIORITIES), self.random.choice(REQUESTERS), created)
        rows.add("events", escalation_id, to_text(created), life.requester, "raised", 1, None, life.priority, None)
        chance = self.random.random()
        if chance < WITHDRAWN:
            return self._row(rows, life, created, self._withdrawn(rows, life))
        forgotten = chance > 1 - self.never_resolved
        if self._served(rows, life, forgotten):
            resolved_at = life.at + timedelta(hours=self.random.lognormvariate(0.7, 1.1))
            if resolved_at < self.end and not forgotten:
                self._resolve(rows, life, resolved_at, csat_share)
                return self._row(rows, life, created, resolved_at)
        self._row(rows, life, created, None)

    def _row(self, rows: Rows, life: Life, created: datetime, resolved_at: datetime | None) -> None:
        origin, ts = self._weighted(ORIGINS), f"{created.timestamp():.6f}"
        rows.add("escalations", life.id, f"{self.random.choice(SUMMARIES)} (case {life.id})", life.priority,
                 self.random.choice(self.categories), f"ZD-{100000 + life.id}" if life.id % 3 else None,
                 life.requester, self._weighted(SOURCES), origin, ts,
                 "resolved" if resolved_at else "open", life.line, to_text(created),
                 to_text(resolved_at) if resolved_at else None, None if resolved_at else life.owner)
        rows.add("cards", life.id, origin, ts, None)
        rows.add("cards", life.id, QUEUES[life.line], f"{created.timestamp() + 0.5:.6f}", ts)

    def _weighted(self, shares: dict[str, float]) -> str:
        return self.random.choices(list(shares), list(shares.values()))[0]

    def _withdrawn(self, rows: Rows, life: Life) -> datetime:
        """Resolved by its requester within minutes; its take clock stops, cancelled. Returns when."""
        at = life.at + timedelta(minutes=self.random.uniform(1, 8))
        rows.add("sla_clocks", life.id, 1, "take", life.priority, to_text(life.at),
                 to_text(life.at + self.team.sla.allowed("take", life.priority)), to_text(at), life.requester,
                 "cancelled", None, 0)
        rows.add("events", life.id, to_text(at), life.requester, "resolved", 1, "open", "resolved", "solved it myself")
        return at

    def _served(self, rows: Rows, life: Life, forgotten: bool) -> bool:
        """Taken on line 1, perhaps moved up and served further; False while it still waits at the end."""
        if not self._owned(rows, life, "take", "taken", forgotten):
            return False
        for target, share in ((2, MOVED_UP_TO_2), (3, MOVED_UP_TO_3)):
            if self.random.random() >= share:
                break
            life.at += timedelta(minutes=self.random.expovariate(1 / 40))
            rows.add("events", life.id, to_text(life.at), life.owner, "moved_up", target, str(life.line), str(target),
                     "needs deeper knowledge")
            life.line, life.owner = target, None
            if not self._owned(rows, life, "ack" if target == 3 else "take", "acknowledged" if target == 3 else "taken",
                               forgotten):
                return False
        return True

    def _owned(self, rows: Rows, life: Life, kind: str, action: str, forgotten: bool) -> bool:
        """An SLA clock on the line, stopped by someone taking (or acknowledging) it; False if still running."""
        allowed = self.team.sla.allowed(kind, life.priority)
        due = life.at + allowed
        owned_at = life.at + allowed * self.random.expovariate(1 / 0.45)
        if forgotten or owned_at >= self.end:
            breached = to_text(due) if due < self.end else None
            rows.add("sla_clocks", life.id, life.line, kind, life.priority, to_text(life.at), to_text(due), None, None,
                     None, breached, self.team.sla.max_reminders if breached else 0)
            return False
        owner = self.random.choice(STAFF[life.line])
        late = owned_at > due
        rows.add("sla_clocks", life.id, life.line, kind, life.priority, to_text(life.at), to_text(due),
                 to_text(owned_at), owner, "late" if late else "met", to_text(due) if late else None, int(late))
        rows.add("events", life.id, to_text(owned_at), owner, action, life.line, life.owner, owner, None)
        rows.add("line_owners", life.id, life.line, owner, to_text(owned_at))
        life.at, life.owner = owned_at, owner
        return True

    def _resolve(self, rows: Rows, life: Life, resolved_at: datetime, csat_share: float) -> None:
        rows.add("events", life.id, to_text(resolved_at), life.owner, "resolved", life.line, "open", "resolved",
                 "fixed and confirmed with the customer")
        if self.random.random() >= csat_share:
            return
        answered = resolved_at + timedelta(minutes=self.random.expovariate(1 / 90))
        if self.random.random() < TWICE_ANSWERED:
            self._csat(rows, life, answered, counts=False)
            answered += timedelta(hours=1)
        self._csat(rows, life, answered, counts=True)

    def _csat(self, rows: Rows, life: Life, answered: datetime, counts: bool) -> None:
        score = self.random.choices((1, 2, 3, 4, 5), (0.05, 0.07, 0.13, 0.35, 0.4))[0]
        rows.add("csat_answers", f"ESC-{life.id}", life.id, score, None if score > 2 else "took too long",
                 life.requester, "survey", to_text(answered), to_text(answered), int(counts))
