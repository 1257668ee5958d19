"""Incident rows to values, and the read side: drafts, steps, posts and lists. No rules here."""

import json
from datetime import datetime

from sqlite_utils import Database

from storage.errors import NotFound
from storage.incident_model import Incident, IncidentStatus, Post, Revision, Step
from storage.records import from_text, insert_row, to_text, update_row

RECENT_LISTED = 10
UNFINISHED = "ts IS NULL AND error IS NULL"  # a post claimed by a try that recorded neither its ts nor its error


def load_incident(db: Database, incident_id: int) -> Incident:
    rows = list(db.query("SELECT * FROM incidents WHERE id = ?", [incident_id]))
    if not rows:
        raise NotFound(f"There is no INC-{incident_id}.", "Find the right ID with {list}.",
                       commands={"list": "/incident list"})
    return _incident(rows[0])


def find_by_card(db: Database, channel: str, card_ts: str) -> Incident | None:
    rows = list(db.query("SELECT * FROM incidents WHERE card_channel = ? AND card_ts = ?", [channel, card_ts]))
    return _incident(rows[0]) if rows else None


def cards_in_flight(db: Database, channel: str) -> list[int]:
    """Incidents drafted in `channel` whose card's ts is not recorded yet (being posted, or its post failed)."""
    return [row["id"] for row in db.query(
        "SELECT id FROM incidents WHERE card_channel = ? AND card_ts IS NULL AND status = 'draft'", [channel])]


def listed_incidents(db: Database) -> list[Incident]:
    """Every active incident, then the most recently closed ones."""
    sql = (
        "SELECT * FROM incidents ORDER BY status IN ('resolved', 'discarded'), "
        "coalesce(resolved_at, created_at) DESC, id DESC"
    )
    rows = [_incident(row) for row in db.query(sql)]
    active = [incident for incident in rows if incident.status not in (IncidentStatus.RESOLVED, IncidentStatus.DISCARDED)]
    return active + [incident for incident in rows if incident not in active][:RECENT_LISTED]


def due_incident_ids(db: Database, now: datetime) -> list[int]:
    sql = "SELECT id FROM incidents WHERE status = 'scheduled' AND scheduled_for <= ? ORDER BY scheduled_for, id"
    return [row["id"] for row in db.query(sql, [to_text(now)])]


def unfinished_channels(db: Database, incident_id: int, step: int) -> list[str]:
    """The channels of `step` an earlier try claimed and left with neither a ts nor an error."""
    sql = f"SELECT channel FROM incident_posts WHERE incident_id = ? AND step = ? AND {UNFINISHED} ORDER BY claimed_at, channel"
    return [row["channel"] for row in db.query(sql, [incident_id, step])]


def reached_everywhere(db: Database, step: Step) -> bool:
    """Every channel the step is due in has it, and every copy shows the current status."""
    posted = {post.channel for post in posts_of(db, step.incident_id, step.number) if post.ts}
    return posted >= set(_targets(db, step)) and not copies_out_of_step(db, step.incident_id)


def _targets(db: Database, step: Step) -> tuple[str, ...]:
    if step.number == 0:
        return load_incident(db, step.incident_id).channels
    return tuple(copy.channel for copy in copies_of(db, step.incident_id))


def draft_revision(db: Database, incident: Incident) -> Revision | None:
    """The reply picked with the shortcut while it exists, else the latest reply by a person."""
    sql = "SELECT ts, author, text FROM incident_revisions WHERE incident_id = ? AND deleted = 0"
    if incident.picked_ts:
        picked = list(db.query(sql + " AND ts = ?", [incident.id, incident.picked_ts]))
        if picked:
            return Revision(**picked[0])
    latest = list(db.query(sql + " ORDER BY CAST(ts AS DOUBLE PRECISION) DESC, ts DESC LIMIT 1", [incident.id]))
    return Revision(**latest[0]) if latest else None


def load_steps(db: Database, incident_id: int) -> list[Step]:
    sql = "SELECT * FROM incident_steps WHERE incident_id = ? ORDER BY step"
    return [_step(row) for row in db.query(sql, [incident_id])]


def load_step(db: Database, incident_id: int, number: int) -> Step:
    rows = list(db.query("SELECT * FROM incident_steps WHERE incident_id = ? AND step = ?", [incident_id, number]))
    if not rows:
        raise NotFound(f"INC-{incident_id} has no notice number {number}.")
    return _step(rows[0])


def step_drafts(db: Database, incident_id: int) -> set[str]:
    """The thread replies earlier steps were sent from."""
    sql = "SELECT draft_ts FROM incident_steps WHERE incident_id = ? AND draft_ts IS NOT NULL"
    return {row["draft_ts"] for row in db.query(sql, [incident_id])}


def latest_words(db: Database, incident_id: int) -> str:
    """What every copy's body shows: the words of the latest step that had any (the resolution
    once resolved), else the broadcast's."""
    sql = "SELECT text FROM incident_steps WHERE incident_id = ? AND text != '' ORDER BY step DESC LIMIT 1"
    rows = list(db.query(sql, [incident_id]))
    return rows[0]["text"] if rows else ""


def posts_of(db: Database, incident_id: int, step: int = 0) -> list[Post]:
    sql = "SELECT channel, ts, error FROM incident_posts WHERE incident_id = ? AND step = ? ORDER BY claimed_at, channel"
    return [Post(**row) for row in db.query(sql, [incident_id, step])]


def post_errors(db: Database, incident_id: int, step: int) -> dict[str, str]:
    """{channel: Slack's error} for the channels `step` could not be posted in."""
    return {post.channel: post.error for post in posts_of(db, incident_id, step) if post.error}


def copies_of(db: Database, incident_id: int) -> list[Post]:
    """The broadcast copies that made it into their channels: the threads later steps go to."""
    return [post for post in posts_of(db, incident_id) if post.ts]


def copies_out_of_step(db: Database, incident_id: int) -> list[Post]:
    """The copies whose last edit Slack refused, each with that refusal as its `error`."""
    sql = ("SELECT channel, ts, edit_error AS error FROM incident_posts WHERE incident_id = ? AND step = 0"
           " AND ts IS NOT NULL AND edit_error IS NOT NULL ORDER BY claimed_at, channel")
    return [Post(**row) for row in db.query(sql, [incident_id])]


def insert_incident_event(db: Database, incident_id: int, at: datetime, actor: str, action: str,
                          channel: str | None = None, detail: str | None = None) -> None:
    insert_row(db, "incident_events", {"incident_id": incident_id, "at": to_text(at), "actor": actor,
                                       "action": str(action), "channel": channel, "detail": detail})


def update_incident(db: Database, incident_id: int, **columns) -> None:
    update_row(db, "incidents", incident_id, **columns)


def _incident(row: dict) -> Incident:
    return Incident(
        id=row["id"],
        title=row["title"],
        status=IncidentStatus(row["status"]),
        severity=row["severity"],
        notify_here=bool(row["notify_here"]),
        channels=tuple(json.loads(row["channels"])),
        created_by=row["created_by"],
        broadcast_by=row["broadcast_by"],
        card_channel=row["card_channel"],
        card_ts=row["card_ts"],
        picked_ts=row["picked_ts"],
        created_at=from_text(row["created_at"]),
        scheduled_for=from_text(row["scheduled_for"]),
        started_at=from_text(row["started_at"]),
        resolved_at=from_text(row["resolved_at"]),
    )


def _step(row: dict) -> Step:
    return Step(incident_id=row["incident_id"], number=row["step"], status=IncidentStatus(row["status"]),
                text=row["text"], actor=row["actor"], at=from_text(row["at"]))
