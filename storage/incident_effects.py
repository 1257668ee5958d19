"""The Slack effects of an incident's change, as outbox rows written in its transaction.

Slack-free: a row says "this step of the notice goes out" (or "try again where it failed"), or
"the draft card shows the incident"; commands/incident/deliveries.py carries it out. Rows of one incident go out in order, one at a
time, across processes, so an update never lands below the resolution that followed it.
"""

from datetime import datetime

from sqlite_utils import Database

from storage import home_visits, outbox

STEP = "incident-step"
CARD = "incident-card"


def subject(incident_id: int) -> str:
    return f"incident:{incident_id}"


def step_goes_out(db: Database, now: datetime, incident_id: int, step: int, receipt: bool) -> None:
    """`receipt`: a person's request sent the step, and they hear how it went (a scheduled
    broadcast's start has nobody waiting)."""
    outbox.enqueue(db, now, subject(incident_id), STEP, {"incident_id": incident_id, "step": step, "receipt": receipt})


def step_is_retried(db: Database, now: datetime, incident_id: int, step: int, actor: str) -> None:
    """Post where the step failed and edit the copies left out of step; `actor` hears how it went."""
    outbox.enqueue(db, now, subject(incident_id), STEP,
                   {"incident_id": incident_id, "step": step, "retry": True, "actor": actor, "receipt": True})


def latest_step_row(db: Database, incident_id: int) -> int | None:
    """The incident's newest step row. Inside the write transaction of a change that sent a step,
    that step's: writers hold the one write lock, so no other change adds a newer one meanwhile."""
    return db.execute("SELECT max(id) FROM outbox WHERE subject = ? AND kind = ?",
                      [subject(incident_id), STEP]).fetchone()[0]


def card_follows(db: Database, now: datetime, incident_id: int, reply_to: str | None = None) -> None:
    """The draft card shows the incident as it is when delivered, and is posted if it has none
    yet. `reply_to` is where the adapter tells the person should Slack refuse the card."""
    outbox.enqueue(db, now, subject(incident_id), CARD, {"incident_id": incident_id, "reply_to": reply_to},
                   coalesce=reply_to is None)


def homes_follow(db: Database, now: datetime) -> None:
    """The Homes that list the active incidents (the broadcasters') show this change: an incident
    drafted, its card posted, its status moved."""
    home_visits.refresh(db, now, broadcasters=True)
