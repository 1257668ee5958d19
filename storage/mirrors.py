"""Which reply in an engineering thread was mirrored where: claimed once, so a redelivered
event never mirrors a reply twice. Bookkeeping for Slack messages, not a change of an
escalation, so no audit event."""

from dataclasses import dataclass

from sqlite_utils import Database

from storage.db import write_transaction


@dataclass(frozen=True)
class Mirror:
    escalation_id: int
    channel: str
    ts: str | None


def claim_mirror(db: Database, source_channel: str, source_ts: str, escalation_id: int, mirror_channel: str) -> bool:
    """True for the one delivery that mirrors this reply."""
    with write_transaction(db):
        inserted = db.execute(
            "INSERT INTO mirrors (source_channel, source_ts, escalation_id, mirror_channel) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [source_channel, source_ts, escalation_id, mirror_channel],
        )
        return inserted.rowcount == 1


def save_mirror_ts(db: Database, source_channel: str, source_ts: str, mirror_ts: str) -> None:
    with write_transaction(db):
        db.execute("UPDATE mirrors SET mirror_ts = ? WHERE source_channel = ? AND source_ts = ?",
                   [mirror_ts, source_channel, source_ts])


def find_mirror(db: Database, source_channel: str, source_ts: str) -> Mirror | None:
    sql = "SELECT escalation_id, mirror_channel, mirror_ts FROM mirrors WHERE source_channel = ? AND source_ts = ?"
    rows = list(db.query(sql, [source_channel, source_ts]))
    return Mirror(rows[0]["escalation_id"], rows[0]["mirror_channel"], rows[0]["mirror_ts"]) if rows else None


def drop_mirror(db: Database, source_channel: str, source_ts: str) -> Mirror | None:
    """Forget the mirror of a deleted reply; returns it for the one caller that dropped it."""
    with write_transaction(db):
        found = find_mirror(db, source_channel, source_ts)
        db.execute("DELETE FROM mirrors WHERE source_channel = ? AND source_ts = ?", [source_channel, source_ts])
        return found
