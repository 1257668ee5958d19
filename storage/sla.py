"""SLA clocks: how long a line may leave an escalation without an owner, and what happens after.

An escalation that arrives on a line with nobody owning it there starts a clock: `ack` on
line 3 (an engineer must acknowledge it), `take` on lines 1 and 2. Whatever ends the wait —
an ack, a take, an assignment, a move, a resolve — stops the clock in the same transaction,
so no reminder can go out for a case that was dealt with in the meantime.

A clock still running at its due time is a breach. The database says which reminder is due
next (`next_reminder_at`); `claim_due_reminders` hands each one out once, whichever process
asks, so restarts and a second instance neither skip nor repeat one.
"""

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from sqlite_utils import Database

from storage import escalation_effects as effects
from storage import records
from storage.db import write_transaction
from storage.model import Action, Escalation, Event

SYSTEM_ACTOR = "supportbot"
ACK_LINE = 3


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


DEFAULT_ACK = {"P1": _minutes(15), "P2": _minutes(60), "P3": _minutes(240), "P4": _minutes(1440)}
DEFAULT_TAKE = {"P1": _minutes(10), "P2": _minutes(30), "P3": _minutes(120), "P4": _minutes(1440)}


@dataclass(frozen=True)
class SlaPolicy:
    ack: dict[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_ACK))
    take: dict[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_TAKE))
    remind_every: timedelta = _minutes(10)
    max_reminders: int = 3

    def allowed(self, kind: str, priority: str) -> timedelta:
        return (self.ack if kind == "ack" else self.take)[priority]


DEFAULT_POLICY = SlaPolicy()


@dataclass(frozen=True)
class Clock:
    id: int
    escalation_id: int
    line: int
    kind: str
    priority: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    outcome: str | None
    breached_at: datetime | None
    reminders_sent: int
    next_reminder_at: datetime | None
    paused_at: datetime | None = None  # while the escalation waits on its customer

    def is_overdue(self, now: datetime) -> bool:
        return self.stopped_at is None and self.paused_at is None and now >= self.due_at

    def remaining(self, now: datetime) -> timedelta:
        """Time left before the deadline; a paused clock keeps what it had when it paused."""
        return self.due_at - (self.paused_at or now)


@dataclass(frozen=True)
class Reminder:
    """One claimed step of a breached clock: reminder `number` (1…max), or the leads' notice."""

    clock: Clock
    number: int
    tells_leads: bool


def kind_for(line: int) -> str:
    return "ack" if line == ACK_LINE else "take"


def follow(db: Database, now: datetime, esc: Escalation, actor: str, policy: SlaPolicy) -> None:
    """Bring the clock in line with the escalation just changed (inside its transaction):
    stop the running one if its wait is over, start one if the case now waits unowned."""
    running = running_clock(db, esc.id)
    waiting = esc.is_open and esc.current_owner is None
    if running and (not waiting or running.line != esc.line):
        owned = esc.is_open and esc.line == running.line and esc.current_owner is not None
        _stop(db, now, running, actor, _outcome(running, now) if owned else "cancelled")
        running = None
    if waiting and running is None:
        _start(db, now, esc, policy, now)
    elif running and running.paused_at is None and esc.is_waiting:
        db.execute("UPDATE sla_clocks SET paused_at = ? WHERE id = ?", [records.to_text(now), running.id])
    elif running and running.paused_at is not None and not esc.is_waiting:
        _unpause(db, now, running)


def start_first(db: Database, now: datetime, esc: Escalation, policy: SlaPolicy) -> None:
    """The clock of an escalation just raised: it has none yet and waits unowned."""
    _start(db, now, esc, policy, now)


def restart_on_priority(db: Database, now: datetime, esc: Escalation, actor: str, arrived: datetime,
                        policy: SlaPolicy) -> None:
    """A new priority: the running clock is replaced by one on that priority's deadline,
    counted from `arrived` (when the escalation reached its line)."""
    running = running_clock(db, esc.id)
    if running is None:
        return
    _stop(db, now, running, actor, "cancelled")
    _start(db, now, esc, policy, arrived)


def _unpause(db: Database, now: datetime, clock: Clock) -> None:
    """The deadline and the next reminder move on by the time the clock stood still."""
    pause = now - clock.paused_at
    moved = clock.next_reminder_at + pause if clock.next_reminder_at else None
    db.execute("UPDATE sla_clocks SET paused_at = NULL, due_at = ?, next_reminder_at = ? WHERE id = ?",
               [records.to_text(clock.due_at + pause), records.to_text(moved) if moved else None, clock.id])


def _outcome(clock: Clock, now: datetime) -> str:
    return "met" if clock.remaining(now) >= timedelta(0) else "late"


def _start(db: Database, now: datetime, esc: Escalation, policy: SlaPolicy, started: datetime) -> None:
    """A clock started while the escalation waits on its customer starts paused."""
    kind = kind_for(esc.line)
    due = started + policy.allowed(kind, esc.priority)
    records.insert_row(db, "sla_clocks", {
        "escalation_id": esc.id, "line": esc.line, "kind": kind, "priority": esc.priority,
        "started_at": records.to_text(started), "due_at": records.to_text(due), "next_reminder_at": records.to_text(due),
        "paused_at": records.to_text(now) if esc.is_waiting else None,
    })


def _stop(db: Database, now: datetime, clock: Clock, actor: str, outcome: str) -> None:
    db.execute(
        "UPDATE sla_clocks SET stopped_at = ?, stopped_by = ?, outcome = ?, next_reminder_at = NULL WHERE id = ?",
        [records.to_text(now), actor, outcome, clock.id],
    )


def running_clock(db: Database, escalation_id: int) -> Clock | None:
    return running_clocks(db, [escalation_id]).get(escalation_id)


def running_clocks(db: Database, escalation_ids: list[int]) -> dict[int, Clock]:
    """{escalation id: its running clock} for those of `escalation_ids` that have one."""
    if not escalation_ids:
        return {}
    marks = ",".join("?" * len(escalation_ids))
    rows = db.query(f"SELECT * FROM sla_clocks WHERE escalation_id IN ({marks}) AND stopped_at IS NULL", escalation_ids)
    return {clock.escalation_id: clock for clock in map(_clock, rows)}


_CLOCK_FIELDS = tuple(each.name for each in fields(Clock))  # the columns of sla_clocks `_clock` reads
# An escalation's running clock read beside it (the escalation as `e`), its columns named clock_…
RUNNING_CLOCK_COLUMNS = ", ".join(f"c.{field} AS clock_{field}" for field in _CLOCK_FIELDS)
RUNNING_CLOCK_JOIN = "LEFT JOIN sla_clocks c ON c.escalation_id = e.id AND c.stopped_at IS NULL"


def running_clock_in(row: dict) -> Clock | None:
    """The clock RUNNING_CLOCK_COLUMNS read, if the escalation has one running."""
    return _clock({field: row[f"clock_{field}"] for field in _CLOCK_FIELDS}) if row["clock_id"] is not None else None


def latest_clock(db: Database, escalation_id: int, kind: str) -> Clock | None:
    sql = "SELECT * FROM sla_clocks WHERE escalation_id = ? AND kind = ? ORDER BY id DESC LIMIT 1"
    rows = list(db.query(sql, [escalation_id, kind]))
    return _clock(rows[0]) if rows else None


_DUE = "SELECT * FROM sla_clocks WHERE next_reminder_at <= ? AND paused_at IS NULL"


def claim_due_reminders(db: Database, now: datetime, policy: SlaPolicy) -> list[Reminder]:
    """Every reminder due by `now`, each claimed for this caller alone and written to the outbox
    with it (storage/escalation_effects.py), so a reminder claimed is a reminder sent. A clock
    that fell behind (the bot was down) gets one reminder now, not a burst of the ones it missed.
    Asked every half second by every instance, so it takes the write lock only when a look
    without it finds something due."""
    at = records.to_text(now)
    if db.execute(f"{_DUE} LIMIT 1", [at]).fetchone() is None:
        return []
    with write_transaction(db):
        due = [_clock(row) for row in db.query(f"{_DUE} ORDER BY next_reminder_at", [at])]
        return [_advance(db, now, clock, policy) for clock in due]


def _advance(db: Database, now: datetime, clock: Clock, policy: SlaPolicy) -> Reminder:
    if clock.breached_at is None:
        records.record_event(db, Event(clock.escalation_id, now, SYSTEM_ACTOR, Action.SLA_BREACHED, clock.line,
                                       clock.priority, clock.kind))
        effects.homes_follow(db, now, clock.escalation_id)  # overdue now, and one more breach in the leads' figures
    tells_leads = clock.reminders_sent >= policy.max_reminders
    sent = clock.reminders_sent if tells_leads else clock.reminders_sent + 1
    upcoming = None if tells_leads else _next_slot(clock, sent, now, policy)
    db.execute(
        "UPDATE sla_clocks SET breached_at = coalesce(breached_at, due_at), reminders_sent = ?,"
        " next_reminder_at = ?, leads_told_at = CASE WHEN ? = 1 THEN ? ELSE leads_told_at END WHERE id = ?",
        [sent, records.to_text(upcoming) if upcoming else None, tells_leads, records.to_text(now), clock.id],
    )
    if sent == 1 and not tells_leads:
        effects.cards_follow(db, now, clock.escalation_id)  # the cards now say "overdue since"
    effects.reminder_goes_out(db, now, clock.escalation_id, clock.id, sent, tells_leads)
    return Reminder(clock=clock, number=sent, tells_leads=tells_leads)


def load_clock(db: Database, clock_id: int) -> Clock:
    return _clock(next(db.query("SELECT * FROM sla_clocks WHERE id = ?", [clock_id])))


def _next_slot(clock: Clock, sent: int, now: datetime, policy: SlaPolicy) -> datetime:
    """Reminders keep the cadence due, due + every, …; after the last one, one more step tells the leads."""
    slot = clock.due_at + policy.remind_every * sent
    return slot if slot > now else now + policy.remind_every


def _clock(row: dict) -> Clock:
    return Clock(
        id=row["id"], escalation_id=row["escalation_id"], line=row["line"], kind=row["kind"],
        priority=row["priority"], started_at=records.from_text(row["started_at"]),
        due_at=records.from_text(row["due_at"]), stopped_at=records.from_text(row["stopped_at"]),
        outcome=row["outcome"], breached_at=records.from_text(row["breached_at"]),
        reminders_sent=row["reminders_sent"], next_reminder_at=records.from_text(row["next_reminder_at"]),
        paused_at=records.from_text(row["paused_at"]),
    )
