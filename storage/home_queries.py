"""What a person's App Home shows, read a few rows at a time: plain values, no markup.

Each list is one walk of an index in its order and stops at its LIMIT; the totals behind
"and N more" are counts over the same indexes, so a Home costs the same with a year of history.
"""

from dataclasses import dataclass

from sqlite_utils import Database

from storage import records, sla
from storage.incident_model import Incident, IncidentStatus
from storage.incident_records import listed_incidents
from storage.model import Escalation
from storage.sla import Clock

CLOSED_INCIDENTS = (IncidentStatus.RESOLVED, IncidentStatus.DISCARDED)


@dataclass(frozen=True)
class Row:
    escalation: Escalation
    clock: Clock | None  # its running SLA clock: waiting for an owner on its line


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def owned_by(db: Database, user: str, limit: int) -> Listing:
    """The person's open escalations on their current line, most urgent first (priority, then age):
    one walk of escalations_open_owned."""
    ids = [row[0] for row in db.execute(
        "SELECT id FROM escalations WHERE open_owner = ? ORDER BY priority, created_at, id", [user])]
    return Listing(_rows(db, ids[:limit]), len(ids))


def waiting_on_line(db: Database, line: int, limit: int, total: int | None = None) -> Listing:
    """The line's unowned open escalations, the earliest due first: each has a running clock.
    `total`: how many there are, when the caller has counted them already (a lead's team view
    counts every line's unowned), so a large backlog is not counted twice."""
    ids = [row[0] for row in db.execute(
        "SELECT escalation_id FROM sla_clocks WHERE stopped_at IS NULL AND line = ?"
        " ORDER BY due_at, priority, escalation_id LIMIT ?", [line, limit])]
    if total is None:
        total = db.execute("SELECT count(*) FROM sla_clocks WHERE stopped_at IS NULL AND line = ?", [line]).fetchone()[0]
    return Listing(_rows(db, ids), total)


def active_incidents(db: Database) -> list[Incident]:
    return [incident for incident in listed_incidents(db) if incident.status not in CLOSED_INCIDENTS]


def _rows(db: Database, ids: list[int]) -> list[Row]:
    """The listed escalations in `ids`' order, read together (not a few queries per row)."""
    if not ids:
        return []
    found = {esc.id: esc for esc in records.load_escalations(db, f"id IN ({','.join('?' * len(ids))})", ids)}
    clocks = sla.running_clocks(db, ids)
    return [Row(found[escalation_id], clocks.get(escalation_id)) for escalation_id in ids]


def card_places(db: Database, escalation_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """{escalation id: [(channel, ts) of each of its cards, the first posted first]}."""
    if not escalation_ids:
        return {}
    places: dict[int, list[tuple[str, str]]] = {}
    sql = (f"SELECT escalation_id, channel, ts FROM cards WHERE escalation_id IN ({','.join('?' * len(escalation_ids))})"
           " ORDER BY escalation_id, ts")
    for escalation_id, channel, ts in db.execute(sql, escalation_ids):
        places.setdefault(escalation_id, []).append((channel, ts))
    return places
