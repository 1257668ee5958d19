"""The bot's running processes ("boots"), each proving it is alive with a heartbeat.

Report periods are claimed before they are posted, and requests are kept in the inbox before
their ack: each names its boot, and only a gone boot's unfinished claim or request is taken
over; the heartbeat tells which boots are gone. (Escalation and incident effects need none of
this: they are outbox rows with leases, storage/outbox.py.)
"""

from datetime import datetime, timedelta

from sqlite_utils import Database

from storage import records
from storage.db import write_transaction

HEARTBEAT_EVERY = timedelta(seconds=2)
GONE_AFTER = timedelta(seconds=6)  # three missed heartbeats
UNKNOWN_BOOT_SETTLE = timedelta(minutes=5)  # longer than any live process takes to post what it claimed


def start_boot(db: Database, now: datetime) -> int:
    with write_transaction(db):
        return records.insert_numbered(db, "boots", {"started_at": records.to_text(now), "heartbeat_at": records.to_text(now)})


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
