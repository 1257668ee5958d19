"""The escalation rules: who may move a case where, and the audit trail each change leaves.

Every change runs in one write transaction together with its audit events, its SLA clock,
the Slack effects it implies (storage/escalation_effects.py) and the key of the Slack delivery
that asked for it, so a redelivered or double-clicked request is seen as a replay and changes
nothing. `reply_to` is where the person who asked can be told that Slack refused a card.
"""

from datetime import datetime
from typing import Callable

from sqlite_utils import Database

from storage import escalation_effects as effects
from storage import records, sla
from storage.db import hold_write_lock, write_transaction
from storage.errors import InvalidTransition, UsageError
from storage.model import LINES, Action, Escalation, Event, NewEscalation, Outcome, Status
from storage.ownership import ANYONE, Crew, Seen, acknowledging, require_as_seen, require_on_crew
from storage.sla import ACK_LINE, DEFAULT_POLICY, SlaPolicy

Decision = Callable[[Database, Escalation], list[Event]]


def raise_escalation(db: Database, now: datetime, new: NewEscalation, request_key: str,
                     policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None,
                     deliverer: str | None = None) -> Outcome:
    """`deliverer`: the process whose calling thread delivers the cards right after: their row is
    written leased to it (the outcome's `delivery`), saving the claim's transaction.

    Not `exclusive`: a raise writes rows that are new (its request key, claimed ON CONFLICT,
    waits for a twin still in flight). On PostgreSQL raises run beside the one writer and each
    other; the rules that read before they write (a message escalated once, the Homes to
    refresh) take the write lock where they begin."""
    with write_transaction(db, exclusive=False):
        seen = records.claim_request(db, request_key, now)
        if seen is not None:
            return Outcome(records.load_escalation(db, seen), duplicate=True)
        if new.message_ts:
            hold_write_lock(db)
            refuse_if_escalated(db, new.channel, new.message_ts)
        escalation = _insert(db, now, new)
        raiser = new.raised_by or new.requester
        event = Event(escalation.id, now, raiser, Action.RAISED, new.line, to_value=new.priority)
        records.record_event(db, event)
        records.link_request(db, request_key, escalation.id)
        sla.start_first(db, now, escalation, policy)
        delivery = effects.cards_follow(db, now, escalation.id, reply_to, leased_to=deliverer)
        effects.homes_follow(db, now, escalation.id)
        return Outcome(escalation, (event,), delivery=delivery)


def refuse_if_escalated(db: Database, channel: str, ts: str) -> None:
    """Each message (thread) is escalated at most once, whichever way it is raised."""
    existing = records.find_by_thread(db, channel, ts)
    if existing:
        raise InvalidTransition(f"This message is already escalated as {existing.key}.", "See it with {show}.",
                                commands={"show": f"/esc show {existing.key}"})


def _insert(db: Database, now: datetime, new: NewEscalation) -> Escalation:
    return records.insert_escalation(db, {
        "summary": new.summary,
        "priority": new.priority,
        "category": new.category,
        "customer_ref": new.customer_ref,
        "requester": new.requester,
        "source": str(new.source),
        "origin_channel": new.channel,
        "origin_ts": new.message_ts,
        "status": str(Status.OPEN),
        "line": new.line,
        "created_at": records.to_text(now),
        "raised_by": new.raised_by,
        "origin_link": new.origin_link,
    })


def take(db: Database, now: datetime, escalation_id: int, actor: str, request_key: str,
         policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None, seen: Seen | None = None,
         crew: Crew | None = ANYONE) -> Outcome:
    """Taking what someone else owns is a take-over (its event keeps the previous owner). On line 3
    only the crew may take, and taking it unowned there is acknowledging it. `seen` is the state
    the clicked card showed: of two people pressing Take on one card, the second is refused."""
    def decide(db: Database, esc: Escalation) -> list[Event]:
        require_open(esc)
        _require_new_owner(esc, actor, actor)
        require_as_seen(esc, seen)
        require_on_crew(esc, actor, crew, "take")
        if esc.line == ACK_LINE and esc.current_owner is None:
            return acknowledging(db, now, esc, actor)
        return own(db, now, esc, actor, actor, Action.TAKEN)

    return change(db, now, escalation_id, actor, request_key, decide, policy, reply_to)


def assign(db: Database, now: datetime, escalation_id: int, actor: str, assignee: str, request_key: str,
           policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None) -> Outcome:
    return change(db, now, escalation_id, actor, request_key,
                  lambda db, esc: own(db, now, esc, actor, assignee, Action.ASSIGNED), policy, reply_to)


def move(
    db: Database, now: datetime, escalation_id: int, actor: str, step: int, reason: str | None, request_key: str,
    seen: Seen | None = None, policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None,
) -> Outcome:
    """One line up (`step` +1) or down (-1). `seen` is the state the clicked card showed, so a
    double click moves it only once."""
    return change(db, now, escalation_id, actor, request_key,
                  lambda db, esc: _move(db, now, esc, actor, step, reason, seen), policy, reply_to)


def resolve(db: Database, now: datetime, escalation_id: int, actor: str, note: str | None, request_key: str,
            policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None, survey: bool = False,
            seen: Seen | None = None) -> Outcome:
    """`survey`: the team asks requesters for a score when their escalation is resolved."""
    def decide(db: Database, esc: Escalation) -> list[Event]:
        require_open(esc)
        require_as_seen(esc, seen)
        records.update_escalation(db, esc.id, status=str(Status.RESOLVED), resolved_at=records.to_text(now),
                                  **waiting_over(esc, now))
        return [Event(esc.id, now, actor, Action.RESOLVED, esc.line, "open", "resolved", note)]

    def ask_requester(db: Database) -> None:
        if survey:
            effects.requester_is_asked(db, now, escalation_id)

    return change(db, now, escalation_id, actor, request_key, decide, policy, reply_to, also=ask_requester)


def reopen(db: Database, now: datetime, escalation_id: int, actor: str, request_key: str,
           policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None) -> Outcome:
    def decide(db: Database, esc: Escalation) -> list[Event]:
        if esc.is_open:
            raise InvalidTransition(f"{esc.key} is already open.", "Work it with {take}.",
                                    commands={"take": f"/esc take {esc.key}"})
        records.update_escalation(db, esc.id, status=str(Status.OPEN), resolved_at=None)
        return [Event(esc.id, now, actor, Action.REOPENED, esc.line, "resolved", "open")]

    return change(db, now, escalation_id, actor, request_key, decide, policy, reply_to)


def handoff(db: Database, now: datetime, actor: str, to_user: str, request_key: str,
            policy: SlaPolicy = DEFAULT_POLICY, reply_to: str | None = None) -> list[Outcome]:
    """Give every open escalation the actor owns on its current line to someone else."""
    if to_user == actor:
        raise UsageError("You cannot hand off to yourself.", "Name a teammate: {handoff}.",
                         commands={"handoff": "/esc handoff @teammate"})
    with write_transaction(db):
        if records.claim_request(db, request_key, now) is not None:
            return []
        mine = owned_open(db, actor)
        if not mine:
            raise InvalidTransition("You own no open escalations, so there is nothing to hand off.")
        outcomes = []
        for esc in mine:
            records.set_owner(db, esc.id, esc.line, to_user, now)
            event = Event(esc.id, now, actor, Action.HANDED_OFF, esc.line, actor, to_user)
            event_id = records.insert_event(db, event)
            changed = records.load_escalation(db, esc.id)
            sla.follow(db, now, changed, actor, policy)
            effects.cards_follow(db, now, esc.id, reply_to)
            effects.thread_hears(db, now, esc.id, [event_id])
            effects.homes_follow(db, now, esc.id)
            outcomes.append(Outcome(changed, (event,)))
        return outcomes


def owned_open(db: Database, user: str) -> list[Escalation]:
    return records.load_escalations(db, "open_owner = ?", [user])


def change(db: Database, now: datetime, escalation_id: int, actor: str, request_key: str, decide: Decision,
           policy: SlaPolicy, reply_to: str | None = None,
           also: Callable[[Database], None] = lambda db: None) -> Outcome:
    """The frame of every change to one escalation: replay check, the rule (`decide`), its
    audit events, the SLA clock and its Slack effects (`also`: more of them), all in one
    transaction."""
    with write_transaction(db):
        if records.claim_request(db, request_key, now) is not None:
            return Outcome(records.load_escalation(db, escalation_id), duplicate=True)
        escalation = records.load_escalation(db, escalation_id)
        events = decide(db, escalation)
        event_ids = [records.insert_event(db, event) for event in events]
        records.link_request(db, request_key, escalation_id)
        changed = records.load_escalation(db, escalation_id)
        sla.follow(db, now, changed, actor, policy)
        effects.cards_follow(db, now, escalation_id, reply_to)
        effects.thread_hears(db, now, escalation_id, event_ids)
        effects.homes_follow(db, now, escalation_id)
        also(db)
        return Outcome(changed, tuple(events))


def waiting_over(esc: Escalation, now: datetime) -> dict:
    """The columns that end a wait on the customer, adding its length to the time waited."""
    if not esc.is_waiting:
        return {}
    seconds = max(0, int((now - esc.waiting_since).total_seconds()))
    return {"waiting_since": None, "waiting_reason": None, "waited_seconds": esc.waited_seconds + seconds}


def require_open(esc: Escalation) -> None:
    if not esc.is_open:
        raise InvalidTransition(f"{esc.key} is resolved.", "Reopen it first with {reopen}.",
                                commands={"reopen": f"/esc reopen {esc.key}"})


def own(db: Database, now: datetime, esc: Escalation, actor: str, owner: str, action: Action) -> list[Event]:
    require_open(esc)
    _require_new_owner(esc, actor, owner)
    records.set_owner(db, esc.id, esc.line, owner, now)
    return [Event(esc.id, now, actor, action, esc.line, esc.current_owner, owner)]


def _require_new_owner(esc: Escalation, actor: str, owner: str) -> None:
    if esc.current_owner == owner:
        who = "You already own" if owner == actor else "That person already owns"
        raise InvalidTransition(f"{who} {esc.key} on line {esc.line}.")


def _move(
    db: Database, now: datetime, esc: Escalation, actor: str, step: int, reason: str | None, seen: Seen | None
) -> list[Event]:
    require_open(esc)
    require_as_seen(esc, seen)
    target = esc.line + step
    if target not in LINES:
        raise _over_the_edge(esc, step)
    records.update_escalation(db, esc.id, line=target)
    if step > 0:
        records.clear_owner(db, esc.id, target)
    action = Action.MOVED_UP if step > 0 else Action.MOVED_DOWN
    return [Event(esc.id, now, actor, action, target, str(esc.line), str(target), reason)]


def _over_the_edge(esc: Escalation, step: int) -> InvalidTransition:
    moves = {"down": f"/esc down {esc.key}", "up": f"/esc up {esc.key}", "resolve": f"/esc resolve {esc.key}"}
    if step > 0:
        return InvalidTransition(f"{esc.key} is already on line {LINES[-1]}, the top line.",
                                 "Send it back with {down} or close it with {resolve}.", commands=moves)
    return InvalidTransition(f"{esc.key} is already on line {LINES[0]}, the first line.",
                             "Move it up with {up} or close it with {resolve}.", commands=moves)
