"""The bot's running processes ("boots"), each proving it is alive with a heartbeat.

Cards are posted after an escalation is committed, so a process killed in between leaves
cards missing, or posted but not recorded. Another process may only repair them once it
knows the raising process is gone, or it would race a live one: the heartbeat tells. The
same holds for incident posts and report periods, claimed before they are posted: each claim
names its boot, and only a gone boot's unfinished claim is taken over.
"""

from datetime import datetime, timedelta

from sqlite_utils import Database

from storage import records
from storage.db import write_transaction
from storage.model import Escalation

HEARTBEAT_EVERY = timedelta(seconds=2)
GONE_AFTER = timedelta(seconds=6)  # three missed heartbeats
UNKNOWN_BOOT_SETTLE = timedelta(minutes=5)  # longer than any live process takes to post what it claimed


def start_boot(db: Database, now: datetime) -> int:
    with write_transaction(db):
        return records.insert_row(db, "boots", {"started_at": records.to_text(now), "heartbeat_at": records.to_text(now)})


def beat(db: Database, now: datetime, boot_id: int) -> None:
    with write_transaction(db):
        db.execute("UPDATE boots SET heartbeat_at = ? WHERE id = ?", [records.to_text(now), boot_id])


def is_gone(boot_column: str) -> str:
    """SQL: the boot named in `boot_column` has stopped beating. Its parameter: `gone_cutoff(now)`."""
    return f"EXISTS (SELECT 1 FROM boots b WHERE b.id = {boot_column} AND b.heartbeat_at < ?)"


def gone_cutoff(now: datetime) -> str:
    return records.to_text(now - GONE_AFTER)


def left_behind(boot_column: str, since_column: str) -> str:
    """SQL: the row's boot has stopped beating, or the row names no boot (written before boots
    were recorded, or by a one-off command) and is older than UNKNOWN_BOOT_SETTLE. Its
    parameters: `left_behind_params(now)`."""
    return f"(({boot_column} IS NULL AND {since_column} < ?) OR {is_gone(boot_column)})"


def left_behind_params(now: datetime) -> list[str]:
    return [records.to_text(now - UNKNOWN_BOOT_SETTLE), gone_cutoff(now)]


def orphaned_escalations(db: Database, now: datetime, queue_channels: dict[int, str],
                         look_back: timedelta, own_boot: int | None) -> list[Escalation]:
    """Escalations raised by a process that is gone, still missing the card in the channel they
    were raised in or in their line's queue. Never this process's own: however late its
    heartbeat, it is still posting them itself."""
    missing = (
        "(NOT EXISTS (SELECT 1 FROM cards c WHERE c.escalation_id = escalations.id AND c.channel = origin_channel)"
        " OR NOT EXISTS (SELECT 1 FROM cards c WHERE c.escalation_id = escalations.id"
        " AND c.channel = CASE line WHEN 1 THEN ? WHEN 2 THEN ? ELSE ? END))"
    )
    where = (f"created_at > ? AND boot_id IS NOT ? AND {missing}"
             f" AND {left_behind('escalations.boot_id', 'escalations.created_at')}")
    params = [records.to_text(now - look_back), own_boot, queue_channels[1], queue_channels[2], queue_channels[3],
              *left_behind_params(now)]
    return records.load_escalations(db, where, params)
