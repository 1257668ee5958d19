"""The bot's running processes ("boots"), and which of them are gone.

Requests are kept in the inbox before their ack: each names its boot, and only a gone boot's
unfinished request is taken over. A process proves it lives by a lock its engine ties to it (storage/engines: an flock on
SQLite, a session advisory lock on PostgreSQL), which the kernel or the server releases when
the process dies. A paused process keeps its lock, so its work is not taken over while it
sleeps. A lock found free stays "missing" for MISSING_GRACE before the boot is declared gone:
after a database restart every live process takes its lock again within a second or two.
(Slack effects need none of this: they are outbox rows with leases, storage/outbox.py.)
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from storage import records
from storage.db import open_db, write_transaction
from storage.engines.base import Life

MISSING_GRACE = timedelta(seconds=3)


@dataclass
class Boot:
    """This process: its id, and the life that says so to the others (None in the HTTP front,
    bot/front.py, whose main process holds it)."""

    id: int
    life: Life | None


def start_boot(target, now: datetime, busy_timeout_ms: int) -> Boot:
    """Recorded and alive in one transaction, so no other process sees it without its life."""
    db = open_db(target, busy_timeout_ms)
    try:
        with write_transaction(db):
            boot_id = record_boot(db, now)
            life = db.engine.hold_life(db, boot_id)
    except BaseException:
        db.close()
        raise
    return Boot(boot_id, life)


def record_boot(db: Database, now: datetime) -> int:
    """Inside a write transaction: a boot that holds no life (a one-off command's) is gone as
    soon as another process looks."""
    return records.insert_numbered(db, "boots", {"started_at": records.to_text(now)})


def keep_alive(db: Database, boot: Boot) -> None:
    """Hold the life again if the database lost it, and undo a "gone" another process may
    have declared meanwhile (its take-overs are idempotent: they adopt what this one did)."""
    if boot.life.keep():
        with write_transaction(db):
            db.execute("UPDATE boots SET missing_since = NULL, gone_at = NULL WHERE id = ?", [boot.id])


def end_boot(db: Database, now: datetime, boot: Boot) -> None:
    """A clean stop: gone at once, so nothing it left waits for the grace. The life ends even
    when the database cannot be told (the others then notice it after the grace)."""
    try:
        with write_transaction(db):
            db.execute("UPDATE boots SET gone_at = ? WHERE id = ?", [records.to_text(now), boot.id])
    finally:
        boot.life.close()


def notice_gone(db: Database, now: datetime) -> list[int]:
    """Declare gone the boots whose life has been missing for MISSING_GRACE; returns them."""
    running = {row["id"]: row["missing_since"] for row in db.query("SELECT id, missing_since FROM boots WHERE gone_at IS NULL")}
    if not running:
        return []
    alive = db.engine.live_boots(db, list(running))
    back = [boot_id for boot_id in alive if running[boot_id] is not None]
    missing = [boot_id for boot_id in running if boot_id not in alive]
    if not back and not missing:
        return []
    at = records.to_text(now)
    with write_transaction(db):
        if back:
            db.execute(f"UPDATE boots SET missing_since = NULL WHERE id IN ({_marks(back)})", back)
        if not missing:
            return []
        marks = _marks(missing)
        db.execute(f"UPDATE boots SET missing_since = ? WHERE missing_since IS NULL AND gone_at IS NULL AND id IN ({marks})",
                   [at, *missing])
        rows = db.execute(f"UPDATE boots SET gone_at = ? WHERE gone_at IS NULL AND missing_since <= ? AND id IN ({marks})"
                          " RETURNING id", [at, records.to_text(now - MISSING_GRACE), *missing]).fetchall()
    return sorted(row[0] for row in rows)


def running_boots(db: Database) -> list[int]:
    """The boots whose process holds its life now."""
    recorded = [row["id"] for row in db.query("SELECT id FROM boots WHERE gone_at IS NULL ORDER BY id")]
    return sorted(db.engine.live_boots(db, recorded)) if recorded else []


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def gone_among(db: Database, boot_ids: list[int]) -> list[int]:
    """Those of `boot_ids` declared gone."""
    if not boot_ids:
        return []
    return [row["id"] for row in db.query(f"SELECT id FROM boots WHERE gone_at IS NOT NULL AND id IN ({_marks(boot_ids)}) ORDER BY id",
                                          boot_ids)]
