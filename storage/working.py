"""Working a case beyond owning it: giving it back to its line's queue, waiting on the customer,
and correcting its details. Each is one change in the frame of storage/escalations.py."""

from datetime import datetime

from sqlite_utils import Database

from storage import records, sla
from storage.errors import InvalidTransition, UsageError
from storage.escalations import change, require_open, waiting_over
from storage.model import PRIORITIES, Action, Details, Escalation, Event, Outcome
from storage.ownership import Seen, require_as_seen, require_owner_or_lead
from storage.sla import DEFAULT_POLICY, SlaPolicy

NO_LEADS: frozenset[str] = frozenset()


def release(db: Database, now: datetime, escalation_id: int, actor: str, request_key: str,
            leads: frozenset[str] = NO_LEADS, policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None,
            seen: Seen | None = None) -> Outcome:
    """Unowned again on its line: the line's take (or ack) clock starts afresh."""
    def decide(db: Database, esc: Escalation) -> list[Event]:
        require_open(esc)
        require_as_seen(esc, seen)
        if esc.current_owner is None:
            raise InvalidTransition(f"Nobody owns {esc.key} on line {esc.line}, so there is nothing to release.")
        require_owner_or_lead(esc, actor, leads, "release")
        records.clear_owner(db, esc.id, esc.line)
        return [Event(esc.id, now, actor, Action.RELEASED, esc.line, esc.current_owner, None)]

    return change(db, now, escalation_id, actor, request_key, decide, policy, reply_to)


def wait(db: Database, now: datetime, escalation_id: int, actor: str, reason: str | None, request_key: str,
         leads: frozenset[str] = NO_LEADS, policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None) -> Outcome:
    """Waiting on the customer: a running SLA clock pauses (sla.follow) and sends no reminder."""
    def decide(db: Database, esc: Escalation) -> list[Event]:
        require_open(esc)
        if esc.is_waiting:
            raise InvalidTransition(f"{esc.key} is already waiting on the customer.")
        require_owner_or_lead(esc, actor, leads, "put on hold")
        records.update_escalation(db, esc.id, waiting_since=records.to_text(now), waiting_reason=reason)
        return [Event(esc.id, now, actor, Action.WAITING, esc.line, note=reason)]

    return change(db, now, escalation_id, actor, request_key, decide, policy, reply_to)


def resume(db: Database, now: datetime, escalation_id: int, actor: str, request_key: str,
           leads: frozenset[str] = NO_LEADS, policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None) -> Outcome:
    """The customer is back (their own reply resumes it too): the paused clock runs on with the
    time it had left. The event's note holds the seconds it waited."""
    def decide(db: Database, esc: Escalation) -> list[Event]:
        if not esc.is_waiting:
            raise InvalidTransition(f"{esc.key} is not waiting on the customer.")
        if actor != esc.requester:
            require_owner_or_lead(esc, actor, leads, "resume")
        over = waiting_over(esc, now)
        records.update_escalation(db, esc.id, **over)
        waited = over["waited_seconds"] - esc.waited_seconds
        return [Event(esc.id, now, actor, Action.RESUMED, esc.line, note=str(waited))]

    return change(db, now, escalation_id, actor, request_key, decide, policy, reply_to)


def edit(db: Database, now: datetime, escalation_id: int, actor: str, details: Details, request_key: str,
         leads: frozenset[str] = NO_LEADS, policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None) -> Outcome:
    """One audit event per changed field (its name in the note). A new priority restarts the
    running clock on that priority's deadline, counted from when the escalation reached its line."""
    _require_valid(details)

    def decide(db: Database, esc: Escalation) -> list[Event]:
        require_owner_or_lead(esc, actor, leads, "edit")
        before, after = vars(esc.details), vars(details)
        changed = {name: value for name, value in after.items() if before[name] != value}
        if not changed:
            raise InvalidTransition(f"{esc.key} already reads like that. Nothing changed.")
        records.update_escalation(db, esc.id, **changed)
        if "priority" in changed:
            sla.restart_on_priority(db, now, records.load_escalation(db, esc.id), actor, arrived_on_line(db, esc),
                                    policy)
        return [Event(esc.id, now, actor, Action.EDITED, esc.line, before[name], value, name)
                for name, value in changed.items()]

    return change(db, now, escalation_id, actor, request_key, decide, policy, reply_to)


def arrived_on_line(db: Database, esc: Escalation) -> datetime:
    """The last move brought it to its current line; never moved, it is where it was raised."""
    sql = "SELECT max(at) FROM events WHERE escalation_id = ? AND action IN (?, ?)"
    moved = db.execute(sql, [esc.id, str(Action.MOVED_UP), str(Action.MOVED_DOWN)]).fetchone()[0]
    return records.from_text(moved) or esc.created_at


def _require_valid(details: Details) -> None:
    if not details.summary.strip():
        raise UsageError("An escalation needs a summary.")
    if details.priority not in PRIORITIES:
        raise UsageError(f"{details.priority} is not a priority: pick P1, P2, P3 or P4.")
