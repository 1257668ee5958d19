"""The incident notice rules: drafting in a thread, broadcasting, following up, resolving.

Each change runs in one write transaction with its audit event, the key of the Slack delivery
that asked for it (so a redelivered click or form changes nothing twice) and the outbox row of
each step it sends (storage/incident_effects.py). Posting is claimed per step and channel here
too, before the delivery posts, so no channel gets the same notice twice: the claims are the
step's progress, which a process taking the step's row over finishes. Those claims and what
Slack did with each post are written inside a transaction the delivery opens only while the
step's outbox row is still its own (commands/incident/fanout.py), so a process that lost the
row (paused past its lease) claims and records nothing more.
"""

import json
from datetime import datetime
from typing import Callable

from sqlite_utils import Database

from storage import incident_effects as effects
from storage import incident_records as ir
from storage import records
from storage.db import write_transaction
from storage.errors import InvalidTransition
from storage.incident_model import (
    FOLLOW_UP_STATUSES,
    BroadcastPlan,
    FollowUp,
    Incident,
    IncidentAction,
    IncidentOutcome,
    IncidentStatus,
    Revision,
    Step,
)

Decision = Callable[[Database, Incident], Step | None]


def create_incident(db: Database, now: datetime, title: str, actor: str, channel: str, request_key: str,
                    reply_to: str | None = None) -> IncidentOutcome:
    with write_transaction(db):
        seen = records.claim_request(db, request_key, now)
        if seen is not None:
            return IncidentOutcome(ir.load_incident(db, seen), duplicate=True)
        incident_id = records.insert_numbered(db, "incidents", {
            "title": title, "status": str(IncidentStatus.DRAFT), "created_by": actor,
            "card_channel": channel, "created_at": records.to_text(now),
        })
        ir.insert_incident_event(db, incident_id, now, actor, IncidentAction.DRAFTED, channel, title)
        records.link_request(db, request_key, incident_id)
        effects.card_follows(db, now, incident_id, reply_to)
        effects.homes_follow(db, now)
        return IncidentOutcome(ir.load_incident(db, incident_id))


def attach_card(db: Database, now: datetime, incident_id: int, card_ts: str) -> None:
    with write_transaction(db):
        record_card(db, now, incident_id, card_ts)


def record_card(db: Database, now: datetime, incident_id: int, card_ts: str) -> None:
    """Where the card lives is bookkeeping (its thread is the drafting space), not a change; the
    Homes listing the incident link to it from now on. Inside a write transaction."""
    ir.update_incident(db, incident_id, card_ts=card_ts)
    effects.homes_follow(db, now)


def add_revision(db: Database, channel: str, thread_ts: str, ts: str, author: str, text: str) -> Incident | None:
    """A reply in a card's thread; None when the thread is no incident's. A redelivery is ignored."""
    with write_transaction(db):
        incident = ir.find_by_card(db, channel, thread_ts)
        if incident:
            db.execute("INSERT INTO incident_revisions (incident_id, ts, author, text) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT DO NOTHING",
                       [incident.id, ts, author, text])
        return incident


def edit_revision(db: Database, channel: str, thread_ts: str, ts: str, author: str, text: str) -> Incident | None:
    """An edited reply. Its edit may be handled before the reply itself (both arrive at once),
    so an edit of a reply not seen yet records it, and the late reply then changes nothing."""
    with write_transaction(db):
        incident = ir.find_by_card(db, channel, thread_ts)
        if incident:
            db.execute("INSERT INTO incident_revisions (incident_id, ts, author, text) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (incident_id, ts) DO UPDATE SET text = excluded.text", [incident.id, ts, author, text])
        return incident


def delete_revision(db: Database, channel: str, thread_ts: str, ts: str) -> Incident | None:
    """The reply before it becomes the draft again (or the picked one, while it exists)."""
    with write_transaction(db):
        incident = ir.find_by_card(db, channel, thread_ts)
        if incident:
            db.execute("UPDATE incident_revisions SET deleted = 1 WHERE incident_id = ? AND ts = ?", [incident.id, ts])
        return incident


def pick_revision(db: Database, now: datetime, channel: str, thread_ts: str, ts: str, author: str, text: str,
                  actor: str) -> Incident:
    """The "Use as incident notice" shortcut: this reply is the draft, whatever is posted later."""
    with write_transaction(db):
        incident = ir.find_by_card(db, channel, thread_ts) if thread_ts != ts else None
        if incident is None:
            raise InvalidTransition("That message is not a reply in an incident's thread.",
                                    "Use it on a reply under a card from {draft}.",
                                    commands={"draft": "/incident draft <title>"})
        db.execute("INSERT INTO incident_revisions (incident_id, ts, author, text) VALUES (?, ?, ?, ?)"
                   " ON CONFLICT (incident_id, ts) DO UPDATE SET author = excluded.author, text = excluded.text, deleted = 0",
                   [incident.id, ts, author, text])
        ir.update_incident(db, incident.id, picked_ts=ts)
        ir.insert_incident_event(db, incident.id, now, actor, IncidentAction.PICKED, channel, ts)
        return ir.load_incident(db, incident.id)


def notice_text(db: Database, incident: Incident) -> str:
    """The draft as it stands: refused when nobody has replied in the thread yet."""
    revision = ir.draft_revision(db, incident)
    if revision is None or not revision.text.strip():
        raise InvalidTransition(f"{incident.key} has no notice text yet.",
                                "Reply in the card's thread with the words to send; the latest reply is the draft.")
    return revision.text


def broadcast(db: Database, now: datetime, incident_id: int, actor: str, plan: BroadcastPlan,
              request_key: str) -> IncidentOutcome:
    """Send the draft now, or schedule it when the plan names a time."""
    def decide(db: Database, incident: Incident) -> Step | None:
        _require(incident, IncidentStatus.DRAFT, "has already been broadcast")
        notice_text(db, incident)
        ir.update_incident(db, incident.id, severity=plan.severity, notify_here=int(plan.notify_here),
                           channels=json.dumps(list(plan.channels)), broadcast_by=actor)
        if plan.scheduled_for:
            ir.update_incident(db, incident.id, status=str(IncidentStatus.SCHEDULED),
                               scheduled_for=records.to_text(plan.scheduled_for))
            ir.insert_incident_event(db, incident.id, now, actor, IncidentAction.SCHEDULED,
                                     detail=records.to_text(plan.scheduled_for))
            return None
        return _start(db, now, ir.load_incident(db, incident.id), actor, receipt=True)

    return _change(db, now, incident_id, request_key, decide)


def start_due(db: Database, now: datetime, incident_id: int) -> IncidentOutcome | None:
    """Claim one scheduled broadcast whose time has come; None for every caller but the first."""
    with write_transaction(db):
        incident = ir.load_incident(db, incident_id)
        if incident.status is not IncidentStatus.SCHEDULED or incident.scheduled_for > now:
            return None
        step = _start(db, now, incident, incident.broadcast_by or incident.created_by, receipt=False)
        effects.homes_follow(db, now)
        return IncidentOutcome(ir.load_incident(db, incident_id), step)


def cancel_schedule(db: Database, now: datetime, incident_id: int, actor: str, request_key: str) -> IncidentOutcome:
    def decide(db: Database, incident: Incident) -> None:
        _require(incident, IncidentStatus.SCHEDULED, "is not scheduled")
        ir.update_incident(db, incident.id, status=str(IncidentStatus.DRAFT), scheduled_for=None)
        ir.insert_incident_event(db, incident.id, now, actor, IncidentAction.CANCELLED)

    return _change(db, now, incident_id, request_key, decide)


def follow_up(db: Database, now: datetime, incident_id: int, actor: str, notice: FollowUp,
              request_key: str) -> IncidentOutcome:
    """Move a live incident to the form's status and post its words under every copy; Resolved
    closes it and needs a closing message."""
    def decide(db: Database, incident: Incident) -> Step:
        require_live(incident)
        if notice.status not in FOLLOW_UP_STATUSES:
            raise InvalidTransition(f"{notice.status.word} is not a status an update can set.",
                                    "Pick Investigating, Identified, Monitoring or Resolved.")
        if notice.status is IncidentStatus.RESOLVED:
            if not notice.text.strip():
                raise InvalidTransition(f"Resolving {incident.key} needs a closing message.",
                                        "Write what was fixed and what customers should do now.")
            ir.update_incident(db, incident.id, status=str(notice.status), resolved_at=records.to_text(now))
            seconds = int((now - incident.started_at).total_seconds())
            ir.insert_incident_event(db, incident.id, now, actor, IncidentAction.RESOLVED, detail=str(seconds))
        else:
            ir.update_incident(db, incident.id, status=str(notice.status))
            ir.insert_incident_event(db, incident.id, now, actor, IncidentAction.UPDATED, detail=str(notice.status))
        return _add_step(db, now, incident, notice.status, notice.text, actor, receipt=True, draft_ts=notice.draft_ts)

    return _change(db, now, incident_id, request_key, decide)


def fresh_draft(db: Database, incident: Incident) -> Revision | None:
    """The draft reply the update form offers: none when it has been sent already (as it was,
    or reworded in an earlier form), so an update never repeats what the copies said."""
    revision = ir.draft_revision(db, incident)
    if revision is None or not revision.text.strip():
        return None
    steps = ir.load_steps(db, incident.id)
    if revision.ts in ir.step_drafts(db, incident.id) or revision.text in {step.text for step in steps}:
        return None
    return revision


def discard(db: Database, now: datetime, incident_id: int, actor: str, request_key: str) -> IncidentOutcome:
    def decide(db: Database, incident: Incident) -> None:
        _require(incident, IncidentStatus.DRAFT, "has been broadcast and can only be resolved")
        ir.update_incident(db, incident.id, status=str(IncidentStatus.DISCARDED))
        ir.insert_incident_event(db, incident.id, now, actor, IncidentAction.DISCARDED)

    return _change(db, now, incident_id, request_key, decide)


def retry_step(db: Database, now: datetime, incident_id: int, step_number: int, actor: str,
               request_key: str) -> IncidentOutcome:
    """The Retry button: the step goes out again where it failed, in turn with the incident's other steps."""
    def decide(db: Database, incident: Incident) -> Step:
        step = ir.load_step(db, incident.id, step_number)
        effects.step_is_retried(db, now, incident.id, step.number, actor)
        return step

    return _change(db, now, incident_id, request_key, decide)


def claim_post(db: Database, now: datetime, incident_id: int, step: int, channel: str) -> bool:
    """True for the one caller that may post this step to this channel."""
    sql = ("INSERT INTO incident_posts (incident_id, step, channel, claimed_at) VALUES (?, ?, ?, ?)"
           " ON CONFLICT DO NOTHING")
    return db.execute(sql, [incident_id, step, channel, records.to_text(now)]).rowcount == 1


def claim_retry(db: Database, now: datetime, incident_id: int, step: int, channel: str) -> bool:
    """A channel that failed may be tried again, by one caller at a time."""
    sql = ("UPDATE incident_posts SET error = NULL, claimed_at = ? WHERE incident_id = ? AND step = ?"
           " AND channel = ? AND ts IS NULL AND error IS NOT NULL")
    return db.execute(sql, [records.to_text(now), incident_id, step, channel]).rowcount == 1


def take_over_post(db: Database, now: datetime, incident_id: int, step: int, channel: str) -> bool:
    """True while the post is claimed with neither its ts nor its error recorded: left by an
    earlier try of the step's outbox row, whose holder only this row's holder can be now.
    Slack may have it already; the caller looks before posting."""
    sql = (f"UPDATE incident_posts SET claimed_at = ? WHERE incident_id = ? AND step = ? AND channel = ?"
           f" AND {ir.UNFINISHED}")
    return db.execute(sql, [records.to_text(now), incident_id, step, channel]).rowcount == 1


def record_post(db: Database, now: datetime, incident_id: int, step: int, channel: str, ts: str, actor: str) -> None:
    db.execute("UPDATE incident_posts SET ts = ?, error = NULL WHERE incident_id = ? AND step = ? AND channel = ?",
               [ts, incident_id, step, channel])
    ir.insert_incident_event(db, incident_id, now, actor, IncidentAction.POSTED, channel, f"{step}:{ts}")


def record_post_failure(db: Database, now: datetime, incident_id: int, step: int, channel: str, error: str,
                        actor: str) -> None:
    db.execute("UPDATE incident_posts SET error = ? WHERE incident_id = ? AND step = ? AND channel = ?",
               [error, incident_id, step, channel])
    ir.insert_incident_event(db, incident_id, now, actor, IncidentAction.POST_FAILED, channel, f"{step}:{error}")


def record_copy_out_of_step(db: Database, now: datetime, incident_id: int, channel: str, error: str,
                            actor: str) -> None:
    """Slack refused to edit the copy in `channel` past the retries: it shows an older status."""
    db.execute("UPDATE incident_posts SET edit_error = ? WHERE incident_id = ? AND step = 0 AND channel = ?",
               [error, incident_id, channel])
    ir.insert_incident_event(db, incident_id, now, actor, IncidentAction.EDIT_FAILED, channel, error)


def record_copy_in_step(db: Database, now: datetime, incident_id: int, channel: str, actor: str) -> None:
    """The copy in `channel` shows the current status; recorded only if it had fallen behind."""
    sql = ("UPDATE incident_posts SET edit_error = NULL WHERE incident_id = ? AND step = 0 AND channel = ?"
           " AND edit_error IS NOT NULL")
    if db.execute(sql, [incident_id, channel]).rowcount:
        ir.insert_incident_event(db, incident_id, now, actor, IncidentAction.BACK_IN_STEP, channel)


def _start(db: Database, now: datetime, incident: Incident, actor: str, receipt: bool) -> Step:
    ir.update_incident(db, incident.id, status=str(IncidentStatus.INVESTIGATING), started_at=records.to_text(now))
    ir.insert_incident_event(db, incident.id, now, actor, IncidentAction.BROADCAST, detail=",".join(incident.channels))
    text = notice_text(db, incident)
    return _add_step(db, now, incident, IncidentStatus.INVESTIGATING, text, actor, receipt,
                     ir.draft_revision(db, incident).ts)


def _add_step(db: Database, now: datetime, incident: Incident, status: IncidentStatus, text: str, actor: str,
              receipt: bool, draft_ts: str | None = None) -> Step:
    number = len(ir.load_steps(db, incident.id))
    records.insert_row(db, "incident_steps", {"incident_id": incident.id, "step": number, "status": str(status),
                                              "text": text, "actor": actor, "at": records.to_text(now),
                                              "draft_ts": draft_ts})
    effects.step_goes_out(db, now, incident.id, number, receipt)
    return ir.load_step(db, incident.id, number)


def _change(db: Database, now: datetime, incident_id: int, request_key: str, decide: Decision) -> IncidentOutcome:
    """A change that moves the incident's status shows on the Homes listing it."""
    with write_transaction(db):
        if records.claim_request(db, request_key, now) is not None:
            return IncidentOutcome(ir.load_incident(db, incident_id), duplicate=True)
        before = ir.load_incident(db, incident_id)
        step = decide(db, before)
        records.link_request(db, request_key, incident_id)
        after = ir.load_incident(db, incident_id)
        if after.status is not before.status:
            effects.homes_follow(db, now)
        if step is None:
            effects.card_follows(db, now, incident_id)  # a step's delivery brings the card up to date itself
            return IncidentOutcome(after)
        return IncidentOutcome(after, step, row=effects.latest_step_row(db, incident_id))


def _require(incident: Incident, status: IncidentStatus, otherwise: str) -> None:
    if incident.status is not status:
        raise InvalidTransition(f"{incident.key} {otherwise} (it is {incident.status.word.lower()}).",
                                "See where it stands with {list}.", commands={"list": "/incident list"})


def require_live(incident: Incident) -> None:
    if not incident.is_live:
        raise InvalidTransition(f"{incident.key} is {incident.status.word.lower()}, not live.",
                                "Broadcast it first with {broadcast}." if incident.status is IncidentStatus.DRAFT
                                else "See it with {list}.",
                                commands={"broadcast": f"/incident broadcast {incident.key}", "list": "/incident list"})
