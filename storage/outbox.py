"""Pending Slack effects, committed in the same transaction as the change that implies them.

A change writes its state, its audit events and one row per effect (bring the cards up to
date, a thread note, a survey) together, so nothing it promised can be lost between the commit
and Slack. The delivery loop (bot/delivery.py) claims due rows with a lease. Each claim bumps
the row's generation, and every write that records what a delivery did names the generation it
holds: a process that lost its lease (paused, slow, declared gone) records nothing and, since it
renews the lease before each Slack call, sends nothing more. A process that dies leaves leases
that simply expire. Rows of one subject go out in order, one at a time, across processes: a row
is claimable only while no earlier row of its subject is pending.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Sequence

from sqlite_utils import Database

from storage import records
from storage.db import write_statement, write_transaction

LEASE = timedelta(seconds=10)  # renewed while its process lives; a dead process's work moves on after this
# How far two instances' clocks may disagree: the bot's clock follows the database server's, and
# a step of its host's clock is noticed from 0.5 s on (bot/database_clock.py).
CLOCK_MARGIN = timedelta(seconds=2)
FIRST_BACKOFF = timedelta(seconds=0.2)
MAX_BACKOFF = timedelta(seconds=30)
GAVE_UP = "gave up"  # how the outcome of a row that failed every try begins
MAX_ATTEMPTS = 7  # about 13 s of backoff in all, then the effect is given up and said so
KEEP_DONE = timedelta(days=2)
TAKEN_OVER = "taken over from "  # the outcome of a try whose lease ran out, followed by its owner


@dataclass(frozen=True)
class Claim:
    id: int
    subject: str
    kind: str
    payload: dict
    attempt: int
    generation: int
    taken_over: bool = False  # the last try's lease ran out unfinished: its process died or was paused
    lease_until: datetime | None = None  # as this claim wrote it

    @property
    def retried(self) -> bool:
        """An earlier attempt may have reached Slack without its result being recorded."""
        return self.attempt > 1

    def surely_held(self, now: datetime) -> bool:
        """No other process may claim a row before its lease runs out, so until shortly before
        that the claim holds without asking the database. After, the row is this claim's only if
        the lease was renewed meanwhile (`holds`)."""
        return self.lease_until is not None and now < self.lease_until - CLOCK_MARGIN


def enqueue(db: Database, now: datetime, subject: str, kind: str, payload: dict, coalesce: bool = False,
            not_before: datetime | None = None) -> int | None:
    """Called inside the change's own write transaction. With `coalesce`, a pending row of the
    same kind and subject that no process has started yet covers this one: such a row renders
    the present when it is delivered, so several changes in a row make one delivery.
    `not_before` holds the row back (to space deliveries out)."""
    if coalesce and db.execute("UPDATE outbox SET attempt = attempt WHERE subject = ? AND kind = ? AND done_at IS NULL"
                               " AND attempt = 0 RETURNING id", [subject, kind]).fetchall():
        return None  # the row stays locked until this change commits: a claim waits, then renders it
    return records.insert_numbered(db, "outbox", _new_row(now, subject, kind, payload, not_before or now))


def enqueue_leased(db: Database, now: datetime, subject: str, kind: str, payload: dict, owner: str) -> Claim:
    """The first row of a subject that has none (a new escalation's cards), written already leased
    to `owner`, the process whose thread delivers it right after the commit: its claim is part of
    the change's transaction instead of one more transaction after it. Should that thread never
    get to it, the lease runs out and any process takes the row over, as after any claim."""
    leased = {"attempt": 1, "generation": 1, "claimed_by": owner, "lease_until": records.to_text(now + LEASE)}
    row_id = records.insert_numbered(db, "outbox", _new_row(now, subject, kind, payload, now) | leased)
    return Claim(id=row_id, subject=subject, kind=kind, payload=payload, attempt=1, generation=1, lease_until=now + LEASE)


def _new_row(now: datetime, subject: str, kind: str, payload: dict, not_before: datetime) -> dict:
    return {"subject": subject, "kind": kind, "payload": json.dumps(payload), "created_at": records.to_text(now),
            "next_try_at": records.to_text(max(now, not_before))}


def next_due(db: Database, subject: str | None = None) -> datetime | None:
    """When the first pending row (of `subject`) may be claimed (its backoff over and its lease,
    if any, run out); None when nothing is pending. A cheap read, so an idle loop never takes
    the write lock."""
    of_subject = " AND subject = ?" if subject else ""
    row = db.execute("SELECT min(CASE WHEN lease_until > next_try_at THEN lease_until ELSE next_try_at END)"
                     f" FROM outbox WHERE done_at IS NULL{of_subject}", [subject] if subject else []).fetchone()
    return records.from_text(row[0]) if row and row[0] else None


def last_outcome(db: Database, subject: str) -> str | None:
    """Why the subject's latest row ended without its effect, or why its last try failed."""
    row = db.execute("SELECT outcome FROM outbox WHERE subject = ? ORDER BY id DESC LIMIT 1", [subject]).fetchone()
    return row[0] if row else None


def claim_due(db: Database, now: datetime, owner: str, limit: int, subject: str | None = None) -> list[Claim]:
    """Up to `limit` due rows, each the first pending row of its subject, leased to `owner`;
    with `subject`, only that subject's. Beside the one writer where the engine has row locks:
    rows another transaction holds (another claimer's, or a pending row a change is folding
    itself into) are skipped, not waited for, so no claim waits and none deadlocks."""
    return _claims(write_statement(db, *_claim_statement(db, now, owner, limit, subject)), now)


def _claim_statement(db: Database, now: datetime, owner: str, limit: int, subject: str | None) -> tuple[str, list]:
    at = records.to_text(now)
    of_subject = "AND o.subject = ?" if subject else ""
    return (
        f"""
        UPDATE outbox SET claimed_by = ?, lease_until = ?, generation = generation + 1, attempt = attempt + 1,
            outcome = CASE WHEN lease_until IS NULL THEN outcome ELSE ? || claimed_by END
        WHERE id IN (
            SELECT o.id FROM outbox o
            WHERE o.done_at IS NULL AND o.next_try_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
              AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.subject = o.subject AND p.done_at IS NULL AND p.id < o.id)
              {of_subject}
            ORDER BY o.id LIMIT ?{db.engine.skip_locked("o")})
        RETURNING id, subject, kind, payload, attempt, generation, outcome
        """,
        [owner, records.to_text(now + LEASE), TAKEN_OVER, at, at, *([subject] if subject else []), limit],
    )


def _claims(rows, now: datetime) -> list[Claim]:
    claims = [Claim(id=row[0], subject=row[1], kind=row[2], payload=json.loads(row[3]), attempt=row[4],
                    generation=row[5], taken_over=(row[6] or "").startswith(TAKEN_OVER), lease_until=now + LEASE)
              for row in rows]
    return sorted(claims, key=lambda claim: claim.id)


def renew(db: Database, claim: Claim, now: datetime) -> bool:
    """Extend the lease; False when another process has taken the row over (or it is done)."""
    return bool(write_statement(db, "UPDATE outbox SET lease_until = ? WHERE id = ? AND generation = ? AND done_at IS NULL"
                                    " RETURNING id", [records.to_text(now + LEASE), claim.id, claim.generation]))


def holds(db: Database, claim: Claim) -> bool:
    """Is the claim still this one's?"""
    return db.execute("SELECT 1 FROM outbox WHERE id = ? AND generation = ? AND done_at IS NULL",
                      [claim.id, claim.generation]).fetchone() is not None


def done_at_first_try(db: Database, row_id: int) -> bool:
    """The row's first try carried it out: no try of it was backed off or taken over."""
    return db.execute("SELECT 1 FROM outbox WHERE id = ? AND done_at IS NOT NULL AND attempt = 1",
                      [row_id]).fetchone() is not None


Write = Callable[[Database], None]


def finish(db: Database, claim: Claim, now: datetime, outcome: str | None = None, writes: Sequence[Write] = (),
           guarded: bool = False) -> bool:
    """Done, if the claim still holds, together with `writes` (what the delivery did, such as
    where Slack put a card). `outcome` says why a row ended without its effect. Without
    `writes`, or with `guarded` ones (each statement guards itself on the rows it changes: an
    upsert, an UPDATE of what is still unset), it commits beside the one writer where the
    engine allows."""
    if not writes:
        return bool(write_statement(db, _END + " RETURNING id", [records.to_text(now), outcome, claim.id, claim.generation]))
    with write_transaction(db, exclusive=not guarded):
        return _end(db, claim, now, outcome, writes)


def finish_and_claim_next(db: Database, claim: Claim, now: datetime, owner: str, writes: Sequence[Write] = (),
                          guarded: bool = False) -> tuple[bool, Claim | None]:
    """`finish`, and in the same transaction the subject's next due row leased to `owner`: a
    thread delivering a subject's rows one after another spends one transaction a row. The row's
    end tells whether any later row of its subject is pending, so a subject's last row (most
    often its only one) asks for no next."""
    with write_transaction(db, exclusive=bool(writes) and not guarded):
        ended = db.execute(_END + _LATER_PENDING, [records.to_text(now), None, claim.id, claim.generation,
                                                   claim.subject, claim.id]).fetchone()
        _apply(db, writes if ended else ())
        if not (ended and ended[0]):
            return ended is not None, None
        following = _claims(db.execute(*_claim_statement(db, now, owner, 1, claim.subject)).fetchall(), now)
        return True, following[0] if following else None


_END = "UPDATE outbox SET done_at = ?, outcome = ?, lease_until = NULL WHERE id = ? AND generation = ?"
_LATER_PENDING = " RETURNING EXISTS (SELECT 1 FROM outbox p WHERE p.subject = ? AND p.done_at IS NULL AND p.id > ?)"


def _end(db: Database, claim: Claim, now: datetime, outcome: str | None, writes: Sequence[Write]) -> bool:
    done = db.execute(_END, [records.to_text(now), outcome, claim.id, claim.generation]).rowcount == 1
    _apply(db, writes if done else ())
    return done


def try_again_later(db: Database, claim: Claim, now: datetime, error: str, writes: Sequence[Write] = ()) -> bool:
    """Back off and free the row for any process, keeping `writes` (what this try did get done);
    False once it has had MAX_ATTEMPTS (it is then finished with `error` as its outcome) or
    when the claim no longer holds."""
    if claim.attempt >= MAX_ATTEMPTS:
        finish(db, claim, now, f"{GAVE_UP}: {error}", writes)
        return False
    delay = min(FIRST_BACKOFF * 2 ** (claim.attempt - 1), MAX_BACKOFF)
    with write_transaction(db, exclusive=bool(writes)):
        freed = db.execute(
            "UPDATE outbox SET next_try_at = ?, lease_until = NULL, claimed_by = NULL, outcome = ?"
            " WHERE id = ? AND generation = ? AND done_at IS NULL",
            [records.to_text(now + delay), error, claim.id, claim.generation]).rowcount == 1
        _apply(db, writes if freed else ())
        return freed


def write_while_held(db: Database, claim: Claim, write: Write) -> bool:
    """Mid-delivery, before the Slack call: `write` now, in its own transaction, only while the
    claim holds (the row stays locked until it commits, so no take-over slips in between)."""
    with write_transaction(db):
        held = db.execute("UPDATE outbox SET generation = generation WHERE id = ? AND generation = ? AND done_at IS NULL",
                          [claim.id, claim.generation]).rowcount == 1
        _apply(db, [write] if held else ())
        return held


def _apply(db: Database, writes: Sequence[Write]) -> None:
    for write in writes:
        write(db)


def pending_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0]


def forget_done_before(db: Database, moment: datetime) -> int:
    with write_transaction(db):
        return db.execute("DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?", [records.to_text(moment)]).rowcount
