"""One fan-out of an incident at a time, across every process on the database.

Posts to one channel are spaced a second apart within a process (commands/incident/fanout.py),
so an update sent right after the broadcast waits its turn there. A second instance sending the
resolution meanwhile would post it at once, above the update. The process sending a step holds
the incident's lease; another waits for it. A lease whose process stopped beating
(storage/boots.py) is free again.
"""

from datetime import datetime

from sqlite_utils import Database

from storage import records
from storage.boots import left_behind, left_behind_params
from storage.db import write_transaction


def take_lease(db: Database, now: datetime, incident_id: int, boot_id: int | None) -> bool:
    """True when this process now holds the incident's lease. One it holds already (left by a
    give-back that failed) is its own: its threads take turns before they get here."""
    with write_transaction(db):
        db.execute(f"DELETE FROM incident_fan_outs WHERE incident_id = ? AND {left_behind('boot_id', 'taken_at')}",
                   [incident_id, *left_behind_params(now)])
        taken = db.execute(
            "INSERT INTO incident_fan_outs (incident_id, boot_id, taken_at) VALUES (?, ?, ?)"
            " ON CONFLICT (incident_id) DO UPDATE SET taken_at = excluded.taken_at WHERE boot_id IS excluded.boot_id",
            [incident_id, boot_id, records.to_text(now)])
        return taken.rowcount == 1


def give_back_lease(db: Database, incident_id: int, boot_id: int | None) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM incident_fan_outs WHERE incident_id = ? AND boot_id IS ?", [incident_id, boot_id])
