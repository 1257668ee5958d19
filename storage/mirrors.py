"""Engineers' replies in a line-3 card's thread and their mirrors in the thread where the case
was raised. A reply, its edit or its deletion changes the mirror's row and writes an outbox row
in one transaction ("bring this mirror up to date"), so a process killed in between loses
nothing; the delivery renders the reply as it stands when it goes out. Bookkeeping for Slack
messages, not a change of an escalation, so no audit event."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import escalation_effects as effects
from storage.db import write_transaction


@dataclass(frozen=True)
class Mirror:
    escalation_id: int
    channel: str
    ts: str | None
    author: str
    text: str
    deleted: bool


def reply_mirrored(db: Database, now: datetime, source_channel: str, source_ts: str, escalation_id: int,
                   mirror_channel: str, author: str, text: str) -> bool:
    """True for the one delivery of the reply's event that gets it mirrored."""
    with write_transaction(db):
        inserted = db.execute(
            "INSERT INTO mirrors (source_channel, source_ts, escalation_id, mirror_channel, author, text)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [source_channel, source_ts, escalation_id, mirror_channel, author, text],
        ).rowcount == 1
        if inserted:
            effects.mirror_follows(db, now, escalation_id, source_channel, source_ts)
        return inserted


def reply_edited(db: Database, now: datetime, source_channel: str, source_ts: str, text: str) -> int | None:
    """The mirror shows the edited words; returns its escalation, None for a reply never mirrored."""
    return _changed(db, now, source_channel, source_ts, "text = ?", [text])


def reply_deleted(db: Database, now: datetime, source_channel: str, source_ts: str) -> int | None:
    """The mirror goes too; returns its escalation, None for a reply never mirrored."""
    return _changed(db, now, source_channel, source_ts, "deleted = 1", [])


def _changed(db: Database, now: datetime, source_channel: str, source_ts: str, change: str, params: list) -> int | None:
    with write_transaction(db):
        row = db.execute(f"UPDATE mirrors SET {change} WHERE source_channel = ? AND source_ts = ? RETURNING escalation_id",
                         [*params, source_channel, source_ts]).fetchall()
        if not row:
            return None
        effects.mirror_follows(db, now, row[0][0], source_channel, source_ts)
        return row[0][0]


def find_mirror(db: Database, source_channel: str, source_ts: str) -> Mirror | None:
    sql = ("SELECT escalation_id, mirror_channel, mirror_ts, author, text, deleted FROM mirrors"
           " WHERE source_channel = ? AND source_ts = ?")
    rows = list(db.query(sql, [source_channel, source_ts]))
    if not rows:
        return None
    row = rows[0]
    return Mirror(row["escalation_id"], row["mirror_channel"], row["mirror_ts"], row["author"] or "", row["text"] or "",
                  bool(row["deleted"]))


def record_mirror_ts(db: Database, source_channel: str, source_ts: str, mirror_ts: str) -> None:
    """Where Slack put the mirror: written with the end of its delivery."""
    db.execute("UPDATE mirrors SET mirror_ts = ? WHERE source_channel = ? AND source_ts = ?",
               [mirror_ts, source_channel, source_ts])


def forget_mirror(db: Database, source_channel: str, source_ts: str) -> None:
    """A deleted reply's mirror is gone from Slack: written with the end of its delivery."""
    db.execute("DELETE FROM mirrors WHERE source_channel = ? AND source_ts = ?", [source_channel, source_ts])
