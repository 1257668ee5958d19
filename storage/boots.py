"""The bot's running processes ("boots"), each proving it is alive with a heartbeat.

Cards are posted after an escalation is committed, so a process killed in between leaves
cards missing, or posted but not recorded. Another process may only repair them once it
knows the raising process is gone, or it would race a live one: the heartbeat tells.
"""

from datetime import datetime, timedelta

from sqlite_utils import Database

from storage import records
from storage.db import write_transaction
from storage.model import Escalation

HEARTBEAT_EVERY = timedelta(seconds=2)
GONE_AFTER = timedelta(seconds=6)  # three missed heartbeats
UNKNOWN_BOOT_SETTLE = timedelta(minutes=5)  # escalations from before boots were recorded


def start_boot(db: Database, now: datetime) -> int:
    with write_transaction(db):
        return records.insert_row(db, "boots", {"started_at": records.to_text(now), "heartbeat_at": records.to_text(now)})


def beat(db: Database, now: datetime, boot_id: int) -> None:
    with write_transaction(db):
        db.execute("UPDATE boots SET heartbeat_at = ? WHERE id = ?", [records.to_text(now), boot_id])


def orphaned_escalations(db: Database, now: datetime, queue_channels: dict[int, str],
                         look_back: timedelta) -> list[Escalation]:
    """Escalations raised by a process that is gone, still missing the card in the channel they
    were raised in or in their line's queue."""
    missing = (
        "(NOT EXISTS (SELECT 1 FROM cards c WHERE c.escalation_id = escalations.id AND c.channel = origin_channel)"
        " OR NOT EXISTS (SELECT 1 FROM cards c WHERE c.escalation_id = escalations.id"
        " AND c.channel = CASE line WHEN 1 THEN ? WHEN 2 THEN ? ELSE ? END))"
    )
    gone = (
        "(boot_id IS NULL AND created_at < ?) OR EXISTS (SELECT 1 FROM boots b WHERE b.id = escalations.boot_id"
        " AND b.heartbeat_at < ?)"
    )
    where = f"created_at > ? AND {missing} AND ({gone})"
    params = [records.to_text(now - look_back), queue_channels[1], queue_channels[2], queue_channels[3],
              records.to_text(now - UNKNOWN_BOOT_SETTLE), records.to_text(now - GONE_AFTER)]
    return records.load_escalations(db, where, params)
